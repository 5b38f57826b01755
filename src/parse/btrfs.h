// Pure helpers for the btrfs collector: reading /sys/fs/btrfs values the way
// node_exporter 1.5 (procfs btrfs) does, the allocation ratio of a block
// group profile, and the UUID spellings of the btrfs ioctls.
#ifndef HOST_EXPORTER_PARSE_BTRFS_H_
#define HOST_EXPORTER_PARSE_BTRFS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace host_exporter::parse {

/// A sysfs number file ("16777216\n"): surrounding whitespace trimmed;
/// anything that is not a number reads as 0, and a number too large for
/// 64 bits as 2^64-1 (Go's strconv.ParseUint answers on overflow).
uint64_t ParseBtrfsSysfsValue(std::string_view text);

/// How many bytes of disk a byte of data takes in a block group profile
/// ("single", "dup", "raid1", "raid5", ...), given the number of devices of
/// the filesystem; 0 for profiles node_exporter 1.5 does not know (such as
/// raid1c3).
double BtrfsAllocationRatio(std::string_view profile, size_t devices);

/// A 16-byte filesystem id as the ioctl matching key: 32 lower-case hex
/// digits, no dashes.
std::string FormatBtrfsFsid(const uint8_t* id16);

/// A 16-byte device UUID in the usual 8-4-4-4-12 form, or "<zero>" if all
/// bytes are zero (as the btrfs library node_exporter uses prints it).
std::string FormatBtrfsUuid(const uint8_t* id16);

/// The file name part of a device path ("/dev/sda" -> "sda").
std::string_view BtrfsDeviceName(std::string_view path);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_BTRFS_H_
