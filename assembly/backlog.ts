// Backlog clamping, per profile (SPEC L3, L6, L11).
//
// A profile bundles the two things the source documents let vary between the
// interfaces: the provider's legal backlog range and what a second listen does.
//
//   profile      legal range (default)   SOMAXCONN_HINT   re-listen
//   WINSOCK2     [1, 512]                 yes             keeps the backlog
//   WINSOCK11    [1, 5]                   no              updates it, drops the excess
//   SPI          [1, 512]                 yes             updates it, drops the excess
//
// The range is configuration (`configure`). Illegal values are never rejected:
// they are replaced by the nearest legal value.

import {
  DEFAULT_MAX_SPI,
  DEFAULT_MAX_WINSOCK11,
  DEFAULT_MAX_WINSOCK2,
  DEFAULT_MIN_SPI,
  DEFAULT_MIN_WINSOCK11,
  DEFAULT_MIN_WINSOCK2,
  HINT_MAX,
  HINT_MIN,
  PROFILE_COUNT,
  PROFILE_SPI,
  PROFILE_WINSOCK11,
  PROFILE_WINSOCK2,
} from "./abi";

// Configured legal range per profile, [min, max] as two i32 at ranges + 8 * profile;
// set by resetProfiles() at init.
const ranges: usize = memory.data(8 * PROFILE_COUNT);

/** Restores the documented default range of every profile. */
export function resetProfiles(): void {
  setRange(PROFILE_WINSOCK2, DEFAULT_MIN_WINSOCK2, DEFAULT_MAX_WINSOCK2);
  setRange(PROFILE_WINSOCK11, DEFAULT_MIN_WINSOCK11, DEFAULT_MAX_WINSOCK11);
  setRange(PROFILE_SPI, DEFAULT_MIN_SPI, DEFAULT_MAX_SPI);
}

/** True for a profile number the core knows. */
@inline export function isProfile(profile: i32): bool {
  return <u32>profile < <u32>PROFILE_COUNT;
}

/** Sets a profile's legal range; false (nothing changed) when the range is not 1 <= min <= max <= HINT_MAX. */
export function setRange(profile: i32, min: i32, max: i32): bool {
  if (!isProfile(profile) || min < 1 || max < min || max > HINT_MAX) return false;
  store<i32>(ranges + (<usize>profile << 3), min);
  store<i32>(ranges + (<usize>profile << 3), max, 4);
  return true;
}

@inline function rangeMin(profile: i32): i32 {
  return load<i32>(ranges + (<usize>profile << 3));
}

@inline function rangeMax(profile: i32): i32 {
  return load<i32>(ranges + (<usize>profile << 3), 4);
}

/** Whether a second listen replaces the backlog (Winsock 1.1 and SPI) or keeps it (Winsock 2). */
@inline export function relistenUpdates(profile: i32): bool {
  return profile != PROFILE_WINSOCK2;
}

/** The effective backlog for a requested one; `profile` must be valid. */
export function clampBacklog(profile: i32, requested: i32): i32 {
  const min = rangeMin(profile);
  const max = rangeMax(profile);
  if (requested < 0 && profile != PROFILE_WINSOCK11) {
    // SOMAXCONN_HINT(N). -i32.MIN_VALUE overflows, but any N that large is above HINT_MAX.
    if (requested < -HINT_MAX) return HINT_MAX;
    const n = -requested;
    return n < HINT_MIN ? HINT_MIN : n;
  }
  if (requested < min) return min;
  if (requested > max) return max; // SOMAXCONN lands here: the provider's maximum
  return requested;
}
