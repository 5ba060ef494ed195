// Precompiled header for libember: the heavy, stable headers every actor
// translation unit includes. Never include this file directly.
#pragma once
#include <caf/all.hpp>
#include <spdlog/spdlog.h>
#include <cereal/archives/binary.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>
#include <memory>
#include <string>
#include <vector>
