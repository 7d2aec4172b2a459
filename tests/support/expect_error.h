// expect_error<E>(fn, {fragments...}): fn must throw E, and E's message must contain every
// fragment (the op's name, the shapes, the failing dim...). Header-only: the hardening tests
// and any other suite that checks messages share it.
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>

namespace minitorch::testing {

template <class E, class Fn>
void expect_error(Fn fn, std::initializer_list<const char*> fragments) {
  try {
    fn();
    FAIL() << "expected an exception";
  } catch (const E& e) {
    std::string what = e.what();
    for (const char* fragment : fragments) {
      EXPECT_NE(what.find(fragment), std::string::npos) << "'" << fragment << "' in: " << what;
    }
  }
}

}  // namespace minitorch::testing
