#pragma once
// `overload{f, g, ...}`: one callable from several lambdas, for std::visit.

namespace ember {

template <class... Fs>
struct overload : Fs... {
  using Fs::operator()...;
};

template <class... Fs>
overload(Fs...) -> overload<Fs...>;

} // namespace ember
