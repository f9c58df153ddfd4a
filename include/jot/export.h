// JOT_API: what the shared library exports.
//
// The shared library (-DBUILD_SHARED_LIBS=ON) is compiled with
// -fvisibility=hidden and -fvisibility-inlines-hidden, so only what is marked
// JOT_API is visible to programs that link it. Mark:
// - every function declared in an installed header and defined in a .cc
//   file, public or in jot::detail (inline header code calls the latter):
//
//       /// Does something. Example: jot::do_something(3);
//       JOT_API void do_something(int n);
//
// - a class with out-of-line members, virtual functions or that is thrown
//   (its typeinfo must be one across the library and the program):
//
//       class JOT_API sink { ... };
//
// - a variable that inline header code reads and the library writes,
//   thread_local and inline variables included (each side would otherwise
//   have its own copy):
//
//       JOT_API extern constinit thread_local int tls_counter;
//       JOT_API inline std::atomic<int> g_state{0};
//
// Nothing else: templates and inline functions are compiled into the
// program. test/package/check_exports.cmake checks the exported set. The
// static library is built with default visibility, where JOT_API changes
// nothing.
#pragma once

#if defined(__GNUC__) || defined(__clang__)
#define JOT_API __attribute__((visibility("default")))
#else
#define JOT_API
#endif
