import Foundation
import Synchronization

/// A child process started with `posix_spawn`, for tests that run the real executable.
///
/// Not Foundation's `Process`: on Linux it enumerates the parent's open descriptors to close them
/// in the child, and crashed (a bad read in `Process.run`) when the test process had over a
/// thousand open. Here the pipes the tests make for children are close-on-exec, made and marked
/// under the same lock as every spawn, so a child never holds another child's pipe open (SQLite,
/// NIO and `open` below mark their own descriptors close-on-exec).
final class ChildProcess: Sendable {
    let pid: pid_t
    private let exitStatus = Mutex<Int32?>(nil)

    /// Starts `path` with standard input, output and error on the given descriptors.
    init(
        _ path: String, _ arguments: [String], environment: [String: String], stdin: Int32, stdout: Int32, stderr: Int32
    )
        throws
    {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (source, target) in [(stdin, 0), (stdout, 1), (stderr, 2)] {
            posix_spawn_file_actions_adddup2(&actions, source, Int32(target))
        }
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var child = pid_t()
        let result = Self.spawning.withLock { _ in posix_spawn(&child, path, &actions, nil, argv, envp) }
        guard result == 0 else {
            throw LiveServerError("posix_spawn \(path) failed: \(String(cString: strerror(result)))")
        }
        pid = child
    }

    /// Waits for the process to end; its exit status (128 + n when signal n ended it).
    @discardableResult
    func wait() -> Int32 {
        if let status = exitStatus.withLock({ $0 }) { return status }
        var raw: Int32 = 0
        while waitpid(pid, &raw, 0) == -1 && errno == EINTR {}
        let status = Self.decode(raw)
        exitStatus.withLock { $0 = status }
        return status
    }

    var isRunning: Bool {
        if exitStatus.withLock({ $0 }) != nil { return false }
        var raw: Int32 = 0
        guard waitpid(pid, &raw, WNOHANG) == pid else { return true }
        exitStatus.withLock { $0 = Self.decode(raw) }
        return false
    }

    func signal(_ number: Int32) {
        if isRunning { kill(pid, number) }
    }

    private static func decode(_ raw: Int32) -> Int32 {
        let signal = raw & 0x7F
        return signal == 0 ? (raw >> 8) & 0xFF : 128 + signal
    }

    private static let spawning = Mutex(())

    /// A pipe whose two ends are close-on-exec (the child's copies, made by `dup2`, are not).
    static func pipe() throws -> (read: Int32, write: Int32) {
        try spawning.withLock { _ in
            var ends: [Int32] = [0, 0]
            guard Glibc.pipe(&ends) == 0 else { throw LiveServerError("pipe failed") }
            for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
            return (ends[0], ends[1])
        }
    }

    /// Reads `descriptor` to its end and closes it.
    static func readAll(_ descriptor: Int32) -> Data {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            data.append(contentsOf: buffer[0..<count])
        }
        close(descriptor)
        return data
    }
}
