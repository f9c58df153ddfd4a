// Logs one record through jot built with add_subdirectory() and checks that it reached the file.
//
//     jot_consumer LOG_FILE
#include <jot/setup.h>

#include <fstream>
#include <iostream>
#include <iterator>
#include <string>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: " << (argc > 0 ? argv[0] : "jot_consumer") << " LOG_FILE\n";
    return 2;
  }

  auto& log = jot::make_logger("consumer", {jot::file_sink(argv[1])});
  JOT_INFO(log, "hello {}", 42);
  jot::shutdown();

  std::ifstream in(argv[1], std::ios::binary);
  if (!in) {
    std::cerr << "cannot open " << argv[1] << " after shutdown\n";
    return 1;
  }
  const std::string contents{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (contents.find("hello 42") == std::string::npos) {
    std::cerr << "'hello 42' not found in " << argv[1] << "; it holds:\n" << contents << '\n';
    return 1;
  }
  std::cout << "ok: " << contents;
  return 0;
}
