#include "api/function_registry.hpp"

#include "api/task_registry.hpp"

#include <algorithm>
#include <stdexcept>

namespace ember {

function_registry& function_registry::global() {
  static function_registry instance;
  return instance;
}

template <class Map, class Fn>
void function_registry::add(Map& map, std::string_view kind,
                            std::string name, Fn fn) {
  std::lock_guard guard{mtx_};
  auto [it, added] = map.emplace(std::move(name), std::move(fn));
  if (!added)
    throw std::logic_error(std::string{kind} + " function '" + it->first
                           + "' is registered twice");
}

void function_registry::add_source(std::string name, source_fn fn) {
  add(sources_, "source", std::move(name), std::move(fn));
}

void function_registry::add_narrow(std::string name, narrow_fn fn) {
  add(narrows_, "narrow", std::move(name), std::move(fn));
}

void function_registry::add_result(std::string name, result_fn fn) {
  add(results_, "result", std::move(name), std::move(fn));
}

void function_registry::add_codec(std::string name, shuffle_codec codec) {
  add(codecs_, "shuffle codec", std::move(name), std::move(codec));
}

namespace {

template <class Map>
auto find_in(std::mutex& mtx, const Map& map, std::string_view name)
  -> const typename Map::mapped_type* {
  std::lock_guard guard{mtx};
  auto it = map.find(name);
  return it == map.end() ? nullptr : &it->second;
}

} // namespace

const source_fn* function_registry::source(std::string_view name) const {
  return find_in(mtx_, sources_, name);
}

const narrow_fn* function_registry::narrow(std::string_view name) const {
  return find_in(mtx_, narrows_, name);
}

const result_fn* function_registry::result(std::string_view name) const {
  return find_in(mtx_, results_, name);
}

const shuffle_codec* function_registry::codec(std::string_view name) const {
  return find_in(mtx_, codecs_, name);
}

std::vector<std::string> function_registry::names() const {
  std::lock_guard guard{mtx_};
  std::vector<std::string> result;
  for (auto& kv : sources_)
    result.push_back("source:" + kv.first);
  for (auto& kv : narrows_)
    result.push_back("narrow:" + kv.first);
  for (auto& kv : results_)
    result.push_back("result:" + kv.first);
  for (auto& kv : codecs_)
    result.push_back("codec:" + kv.first);
  std::sort(result.begin(), result.end());
  return result;
}

std::uint64_t local_registry_fingerprint() {
  auto names = task_registry::global().names();
  for (auto& n : function_registry::global().names())
    names.push_back(n);
  return fingerprint_of(names);
}

std::uint64_t function_registry::fingerprint() const {
  return fingerprint_of(names());
}

} // namespace ember
