// Hand-built field values and records for formatter tests: a value tree is
// described as nested `node`s and flattened into the pre-order jot::value
// array a record_view points to.
#pragma once

#include <cstdint>
#include <deque>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <jot/record.h>

namespace jot::test {

struct node {
  jot::value_type type = jot::value_type::null;
  bool converted = false;
  bool boolean = false;
  std::int64_t int64 = 0;
  std::uint64_t uint64 = 0;
  double float64 = 0;
  std::string text;
  std::vector<node> children;  // an array's elements; an object's k0, v0, k1, v1, ...
};

inline node null_v() { return {}; }
inline node bool_v(bool b) {
  node n;
  n.type = jot::value_type::boolean;
  n.boolean = b;
  return n;
}
inline node int_v(std::int64_t v) {
  node n;
  n.type = jot::value_type::int64;
  n.int64 = v;
  return n;
}
inline node uint_v(std::uint64_t v) {
  node n;
  n.type = jot::value_type::uint64;
  n.uint64 = v;
  return n;
}
inline node float_v(double v) {
  node n;
  n.type = jot::value_type::float64;
  n.float64 = v;
  return n;
}
// `converted`: text jot made from a char, a pointer or a user type.
inline node str_v(std::string_view s, bool converted = false) {
  node n;
  n.type = jot::value_type::string;
  n.text = std::string(s);
  n.converted = converted;
  return n;
}
inline node duration_v(std::int64_t ns, std::string_view text) {
  node n;
  n.type = jot::value_type::duration;
  n.int64 = ns;
  n.text = std::string(text);
  return n;
}
inline node time_v(std::int64_t ns_since_epoch) {
  node n;
  n.type = jot::value_type::time;
  n.int64 = ns_since_epoch;
  return n;
}
inline node array_v(std::vector<node> elements) {
  node n;
  n.type = jot::value_type::array;
  n.children = std::move(elements);
  return n;
}
inline node object_v(std::vector<std::pair<node, node>> pairs) {
  node n;
  n.type = jot::value_type::object;
  for (auto& [k, v] : pairs) {
    n.children.push_back(std::move(k));
    n.children.push_back(std::move(v));
  }
  return n;
}

// Owns flattened values and keys; the record_view it hands out stays valid
// while the builder lives and no field is added.
class record_builder {
 public:
  explicit record_builder(jot::record_view base = {}) : base_(base) {}

  record_builder& add(std::string_view key, node n,
                      jot::field_origin origin = jot::field_origin::call) {
    nodes_.push_back(std::move(n));
    keys_.emplace_back(key);
    std::vector<jot::value>& flat = values_.emplace_back();
    flatten(nodes_.back(), flat);
    fields_.push_back({keys_.back(), flat.data(), origin});
    return *this;
  }

  jot::record_view view() const {
    jot::record_view r = base_;
    r.fields = fields_;
    return r;
  }

  // The flattened tree of one node, for the value-level functions.
  const jot::value& value(std::size_t field_index) const { return *fields_[field_index].val; }

 private:
  static void flatten(const node& n, std::vector<jot::value>& out) {
    const std::size_t at = out.size();
    jot::value v;
    v.type = n.type;
    v.converted = n.converted;
    switch (n.type) {
      case jot::value_type::boolean:
        v.boolean = n.boolean;
        break;
      case jot::value_type::uint64:
        v.uint64 = n.uint64;
        break;
      case jot::value_type::float64:
        v.float64 = n.float64;
        break;
      default:
        v.int64 = n.int64;
    }
    v.text = n.text;
    v.count = static_cast<std::uint32_t>(n.type == jot::value_type::object ? n.children.size() / 2
                                                                           : n.children.size());
    out.push_back(v);
    for (const node& c : n.children) flatten(c, out);
    out[at].span = static_cast<std::uint32_t>(out.size() - at);
  }

  jot::record_view base_;
  std::deque<node> nodes_;  // deque: the strings values point into never move
  std::deque<std::string> keys_;
  std::deque<std::vector<jot::value>> values_;
  std::vector<jot::field> fields_;
};

}  // namespace jot::test
