import Foundation

/// A TCP socket bound to 127.0.0.1 on a port the kernel picks: closed at once to find a free
/// port, or left listening (and never answered) to play a server that says nothing.
public struct LoopbackSocket: Sendable {
    public let descriptor: Int32
    public let port: Int

    /// Binds; `listening` also calls `listen`, so connections are accepted by the kernel.
    public init(listening: Bool) throws {
        let descriptor = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw LiveServerError("socket() failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0, !listening || listen(descriptor, 4) == 0 else {
            Foundation.close(descriptor)
            throw LiveServerError("bind() or listen() failed")
        }
        var actual = sockaddr_in()
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        self.descriptor = descriptor
        port = Int(UInt16(bigEndian: actual.sin_port))
    }

    public func close() { _ = Foundation.close(descriptor) }
}
