// Result<T>: std::expected<T, Error> where the standard library provides it (g++ 12, -std=c++23),
// and a small stand-in with the same surface where it does not (clang 14 with libstdc++ 12 does
// not enable <expected>: it lacks C++20 conditionally trivial destructors). The fuzz build uses
// clang, so the stand-in keeps one code base for both.
#pragma once

#include <version>

#if defined(__cpp_lib_expected)
#include <expected>
namespace hozen::platform::detail {
template <class T, class E>
using Expected = std::expected<T, E>;
template <class E>
using Unexpected = std::unexpected<E>;
}  // namespace hozen::platform::detail
#else
#include <cstdlib>
#include <type_traits>
#include <utility>
#include <variant>

namespace hozen::platform::detail {

template <class E>
class Unexpected {
 public:
  explicit Unexpected(E e) : e_(std::move(e)) {}
  E& error() & { return e_; }
  E&& error() && { return std::move(e_); }

 private:
  E e_;
};

template <class T, class E>
class Expected {
 public:
  Expected() requires std::is_default_constructible_v<T> : v_(std::in_place_index<0>) {}
  Expected(T v) : v_(std::in_place_index<0>, std::move(v)) {}  // NOLINT: implicit like std
  Expected(Unexpected<E> u) : v_(std::in_place_index<1>, std::move(u).error()) {}  // NOLINT
  template <class U>
    requires(std::is_constructible_v<T, U&&> && !std::is_same_v<std::decay_t<U>, Expected> &&
             !std::is_same_v<std::decay_t<U>, Unexpected<E>> && !std::is_same_v<std::decay_t<U>, T>)
  Expected(U&& u) : v_(std::in_place_index<0>, T(std::forward<U>(u))) {}  // NOLINT

  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }
  T& operator*() { return std::get<0>(v_); }
  const T& operator*() const { return std::get<0>(v_); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
  T& value() {
    if (!has_value()) std::abort();
    return std::get<0>(v_);
  }
  const T& value() const {
    if (!has_value()) std::abort();
    return std::get<0>(v_);
  }
  E& error() { return std::get<1>(v_); }
  const E& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, E> v_;
};

template <class E>
class Expected<void, E> {
 public:
  Expected() = default;
  Expected(Unexpected<E> u) : e_(std::move(u).error()), ok_(false) {}  // NOLINT
  bool has_value() const { return ok_; }
  explicit operator bool() const { return ok_; }
  void value() const {
    if (!ok_) std::abort();
  }
  E& error() { return e_; }
  const E& error() const { return e_; }

 private:
  E e_{};
  bool ok_ = true;
};

}  // namespace hozen::platform::detail
#endif
