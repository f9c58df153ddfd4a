#include "jot/sink.h"

namespace jot {

sink::sink(std::shared_ptr<formatter> f) : formatter_(f ? std::move(f) : pattern_formatter()) {}

sink::~sink() = default;

}  // namespace jot
