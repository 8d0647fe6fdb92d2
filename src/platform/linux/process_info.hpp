// Owns reading one process's details (comm, uid, cmdline, exe) from a /proc tree.
#pragma once

#include "tcpstat/backend.hpp"
#include "tcpstat/model.hpp"

namespace tcpstat::procfs {

// Reads "<pid>/comm" (name as raw bytes, only the trailing newline removed), the owner uid of
// "<pid>", with want_cmdline "<pid>/cmdline" (NULs as spaces) and with want_exe the target of the
// "<pid>/exe" link, all relative to proc_fd. An exe the kernel refuses to show (EACCES, EPERM)
// sets *exe_denied, for the caller's one warning; a kernel thread's (ENOENT) is simply absent.
// Leaves user unset: name lookups are cached by the caller, which is single-threaded.
Process read_process(int proc_fd, Pid pid, const OwnerRequest& want, bool* exe_denied = nullptr);

}  // namespace tcpstat::procfs
