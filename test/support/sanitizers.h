// Which sanitizer a test is built with: JOT_TEST_UNDER_TSAN and
// JOT_TEST_UNDER_ASAN, for the tests that must behave differently under
// one (and say why where they do).
#pragma once

#if defined(__SANITIZE_THREAD__)
#define JOT_TEST_UNDER_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define JOT_TEST_UNDER_TSAN 1
#endif
#endif

#if defined(__SANITIZE_ADDRESS__)
#define JOT_TEST_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define JOT_TEST_UNDER_ASAN 1
#endif
#endif
