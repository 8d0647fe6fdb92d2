// Owns PackedOptional, an optional value that keeps "absent" as one reserved value of the type
// itself, so a Socket's dozen optional fields cost no flag bytes and no padding.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <type_traits>
#include <utility>

namespace tcpstat {

// The value that means "absent" for T. Integers reserve their maximum (unsigned) or minimum
// (signed): a socket inode, cookie, uid, queue length, fd or pid never takes it (the kernel's
// (uid_t)-1 is "no uid" itself). A type with no such value must not use PackedOptional.
template <class T, class = void>
struct PackedNone;

template <class T>
struct PackedNone<T, std::enable_if_t<std::is_integral_v<T>>> {
    static constexpr T value = std::is_signed_v<T> ? std::numeric_limits<T>::min() : std::numeric_limits<T>::max();
    static constexpr bool is(const T& v) { return v == value; }
};

// Used like std::optional<T> (has_value, *, ->, value_or, = nullopt, comparisons, conversion to
// std::optional), but sizeof(T). Storing the reserved value itself reads back as absent.
template <class T>
class PackedOptional {
public:
    using value_type = T;

    constexpr PackedOptional() = default;
    constexpr PackedOptional(std::nullopt_t) {}
    constexpr PackedOptional(const T& v) : v_(v) {}
    constexpr PackedOptional(const std::optional<T>& o) : v_(o ? *o : PackedNone<T>::value) {}

    constexpr PackedOptional& operator=(std::nullopt_t) {
        v_ = PackedNone<T>::value;
        return *this;
    }
    constexpr PackedOptional& operator=(const T& v) {
        v_ = v;
        return *this;
    }
    constexpr PackedOptional& operator=(const std::optional<T>& o) {
        v_ = o ? *o : PackedNone<T>::value;
        return *this;
    }

    constexpr bool has_value() const { return !PackedNone<T>::is(v_); }
    constexpr explicit operator bool() const { return has_value(); }
    constexpr const T& operator*() const { return v_; }
    constexpr T& operator*() { return v_; }
    constexpr const T* operator->() const { return &v_; }
    constexpr T* operator->() { return &v_; }
    constexpr const T& value() const {
        if (!has_value()) throw std::bad_optional_access();
        return v_;
    }
    template <class U>
    constexpr T value_or(U&& fallback) const {
        return has_value() ? v_ : static_cast<T>(std::forward<U>(fallback));
    }
    constexpr void reset() { v_ = PackedNone<T>::value; }
    template <class... A>
    constexpr T& emplace(A&&... a) {
        v_ = T(std::forward<A>(a)...);
        return v_;
    }

    constexpr operator std::optional<T>() const { return has_value() ? std::optional<T>(v_) : std::nullopt; }

    friend constexpr bool operator==(const PackedOptional& a, const PackedOptional& b) {
        return a.has_value() == b.has_value() && (!a.has_value() || a.v_ == b.v_);
    }
    friend constexpr bool operator==(const PackedOptional& a, std::nullopt_t) { return !a.has_value(); }
    friend constexpr bool operator==(const PackedOptional& a, const std::optional<T>& b) {
        return a.has_value() == b.has_value() && (!b || a.v_ == *b);
    }
    template <class U, class = std::enable_if_t<!std::is_same_v<std::decay_t<U>, PackedOptional> &&
                                                !std::is_same_v<std::decay_t<U>, std::nullopt_t> &&
                                                std::is_convertible_v<const U&, T>>>
    friend constexpr bool operator==(const PackedOptional& a, const U& b) {
        return a.has_value() && a.v_ == static_cast<T>(b);
    }

    // As std::optional orders: absent first, then by value.
    friend constexpr bool operator<(const PackedOptional& a, const PackedOptional& b) {
        return b.has_value() && (!a.has_value() || a.v_ < b.v_);
    }

private:
    T v_ = PackedNone<T>::value;
};

}  // namespace tcpstat
