// Logs through an installed (or fetched) jot and checks what reached the
// file. Beyond one record, it uses what crosses the boundary of a shared
// library: a sink class of its own (jot::sink's vtable and typeinfo), scope
// fields (the thread-local state inline header code reads), and an exception
// thrown by jot and caught here (jot::config_error's typeinfo).
//
//     jot_consumer LOG_FILE
#include <jot/setup.h>

#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace {

class memory_sink : public jot::sink {
 public:
  explicit memory_sink(std::vector<std::string>& lines) : lines_(lines) {}
  void write(const jot::record_view& /*rec*/, std::string_view line) override {
    lines_.emplace_back(line);
  }
  void flush() override {}

 private:
  std::vector<std::string>& lines_;
};

bool contains(const std::string& text, std::string_view what, const char* where) {
  if (text.find(what) != std::string::npos) return true;
  std::cerr << "'" << what << "' not found in " << where << "; it holds:\n" << text << '\n';
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: " << (argc > 0 ? argv[0] : "jot_consumer") << " LOG_FILE\n";
    return 2;
  }

  bool threw = false;
  try {
    jot::pattern_formatter("{no_such_token}");
  } catch (const jot::config_error&) {
    threw = true;
  }
  if (!threw) {
    std::cerr << "jot::config_error was not caught as such\n";
    return 1;
  }

  std::vector<std::string> lines;
  auto& log =
      jot::make_logger("consumer", {jot::file_sink(argv[1]), std::make_shared<memory_sink>(lines)});
  {
    jot::scope s(jot::kv("request", 7));
    JOT_INFO(log, "hello {}", 42);
  }
  jot::shutdown();

  std::ifstream in(argv[1], std::ios::binary);
  if (!in) {
    std::cerr << "cannot open " << argv[1] << " after shutdown\n";
    return 1;
  }
  const std::string contents{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  std::string in_memory;
  for (const std::string& l : lines) in_memory += l;
  if (!contains(contents, "hello 42 request=7", argv[1]) ||
      !contains(in_memory, "hello 42 request=7", "the consumer's own sink") || lines.size() != 1) {
    return 1;
  }
  std::cout << "ok: " << contents;
  return 0;
}
