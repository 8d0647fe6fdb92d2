// Owns OwnerList, a socket's owners: the one owner almost every socket has kept inline, the rest
// of a pre-fork server's shared listener on the heap.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <stdexcept>
#include <type_traits>
#include <vector>

namespace tcpstat {

// A vector of T with room for one element inline (T must be trivially copyable): 100k sockets
// with one owner each make no allocation at all, where std::vector made one per socket (3 MB of
// heap touched, one malloc and one free each).
template <class T>
class InlineOneVector {
    static_assert(std::is_trivially_copyable_v<T>);

public:
    InlineOneVector() = default;
    InlineOneVector(std::initializer_list<T> items) { assign(items.begin(), items.end()); }
    InlineOneVector(const std::vector<T>& items) { assign(items.data(), items.data() + items.size()); }
    InlineOneVector(const InlineOneVector& o) { assign(o.begin(), o.end()); }
    InlineOneVector(InlineOneVector&& o) noexcept { take(o); }
    InlineOneVector& operator=(const InlineOneVector& o) {
        if (this != &o) assign(o.begin(), o.end());
        return *this;
    }
    InlineOneVector& operator=(InlineOneVector&& o) noexcept {
        if (this != &o) {
            release();
            take(o);
        }
        return *this;
    }
    InlineOneVector& operator=(const std::vector<T>& items) {
        assign(items.data(), items.data() + items.size());
        return *this;
    }
    InlineOneVector& operator=(std::initializer_list<T> items) {
        assign(items.begin(), items.end());
        return *this;
    }
    ~InlineOneVector() { release(); }

    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    T* begin() { return data(); }
    T* end() { return data() + size_; }
    const T* begin() const { return data(); }
    const T* end() const { return data() + size_; }
    T* data() { return capacity_ > 1 ? store_.heap : &store_.one; }
    const T* data() const { return capacity_ > 1 ? store_.heap : &store_.one; }
    T& operator[](std::size_t i) { return data()[i]; }
    const T& operator[](std::size_t i) const { return data()[i]; }
    const T& at(std::size_t i) const {
        if (i >= size_) throw std::out_of_range("InlineOneVector::at");
        return data()[i];
    }
    T& front() { return data()[0]; }
    const T& front() const { return data()[0]; }
    T& back() { return data()[size_ - 1]; }
    const T& back() const { return data()[size_ - 1]; }

    void push_back(const T& v) {
        if (size_ == capacity_) grow(capacity_ * 2);
        data()[size_++] = v;
    }
    void clear() { size_ = 0; }
    // Keeps the elements pred rejects, in order (std::erase_if for this container).
    template <class Pred>
    std::size_t erase_if(Pred pred) {
        T* kept = std::remove_if(begin(), end(), pred);
        const auto removed = static_cast<std::size_t>(end() - kept);
        size_ -= static_cast<std::uint32_t>(removed);
        return removed;
    }

    friend bool operator==(const InlineOneVector& a, const InlineOneVector& b) {
        return std::equal(a.begin(), a.end(), b.begin(), b.end());
    }
    friend bool operator==(const InlineOneVector& a, const std::vector<T>& b) {
        return std::equal(a.begin(), a.end(), b.begin(), b.end());
    }

private:
    void grow(std::uint32_t capacity) {
        T* fresh = new T[capacity];
        std::copy(begin(), end(), fresh);
        const std::uint32_t n = size_;
        release();
        store_.heap = fresh;
        capacity_ = capacity;
        size_ = n;
    }
    void assign(const T* first, const T* last) {
        const auto n = static_cast<std::uint32_t>(last - first);
        size_ = 0;
        if (n > capacity_) grow(n);
        std::copy(first, last, data());
        size_ = n;
    }
    void release() {
        if (capacity_ > 1) delete[] store_.heap;
        capacity_ = 1;
        size_ = 0;
    }
    void take(InlineOneVector& o) {
        size_ = o.size_;
        capacity_ = o.capacity_;
        store_ = o.store_;
        o.capacity_ = 1;
        o.size_ = 0;
    }

    union Store {
        Store() : one() {}
        T one;
        T* heap;
    } store_;
    std::uint32_t size_ = 0;
    std::uint32_t capacity_ = 1;  // 1: the inline element; more: heap_ holds capacity_ elements
};

}  // namespace tcpstat
