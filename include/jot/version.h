// The one place jot's version is written; CMakeLists.txt parses it.
#pragma once

#define JOT_VERSION_MAJOR 0
#define JOT_VERSION_MINOR 1
#define JOT_VERSION_PATCH 0
