import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// The real `tidings` executable, run as a separate process the way an operator runs it.
public struct TidingsBinary: Sendable {
    public let path: String

    /// The binary built beside the test bundle (`swift build` puts both in one directory).
    public static func locate() throws -> TidingsBinary {
        let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [
            besideTests.appendingPathComponent("tidings").path,
            besideTests.deletingLastPathComponent().appendingPathComponent("tidings").path,
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent(".build/debug/tidings").path,
        ]
        guard let path = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw LiveServerError("the tidings executable is not built (looked in \(candidates))")
        }
        return TidingsBinary(path: path)
    }

    /// Runs a command to completion; returns its exit status and standard output.
    public func run(
        _ arguments: [String], environment: [String: String], input: String? = nil
    ) throws -> (
        status: Int32, output: String, errors: String
    ) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.environment = environment
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        let stdin = Pipe()
        process.standardInput = stdin
        try ProcessLaunch.serialized { try process.run() }
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        let errorData = Mutex(Data())
        let reader = Thread { errorData.withLock { $0 = errors.fileHandleForReading.readDataToEndOfFile() } }
        reader.start()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !reader.isFinished { Thread.sleep(forTimeInterval: 0.01) }
        return (
            process.terminationStatus, String(decoding: data, as: UTF8.self),
            String(decoding: errorData.withLock { $0 }, as: UTF8.self)
        )
    }
}

/// `tidings serve` in its own process on a free port, stopped when the test ends.
public final class LiveServer: @unchecked Sendable {
    public let baseURL: String
    public let environment: [String: String]
    public let logPath: String
    private let process: Process

    /// Starts the server and waits until `/health` answers.
    public init(binary: TidingsBinary, environment extra: [String: String], dataDirectory: String) async throws {
        let port = try Self.freePort()
        baseURL = "http://127.0.0.1:\(port)"
        var environment = ProcessInfo.processInfo.environment
        environment["TIDINGS_DATA_DIR"] = dataDirectory
        environment["TIDINGS_HTTP_ADDRESS"] = "127.0.0.1:\(port)"
        environment["TIDINGS_ROOT_URL"] = baseURL
        for (key, value) in extra { environment[key] = value }
        self.environment = environment
        logPath = "\(dataDirectory)/server.log"
        FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process = Process()
        process.executableURL = URL(fileURLWithPath: binary.path)
        process.arguments = ["serve"]
        process.environment = environment
        process.standardOutput = log
        process.standardError = log
        try ProcessLaunch.serialized { try process.run() }
        for _ in 0..<200 {
            if let response = try? await get("/health"), response.status == .ok { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        stop()
        throw LiveServerError("the server did not answer /health; log:\n\(self.log())")
    }

    public func log() -> String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    public func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    /// Kills the server with SIGKILL, as a crash or an out-of-memory killer would.
    public func kill() {
        if process.isRunning {
            Foundation.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    deinit { stop() }

    public struct Reply: Sendable {
        public let status: HTTPResponseStatus
        public let headers: HTTPHeaders
        public let body: String

        public var object: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
        }
    }

    public func get(_ path: String, headers: [(String, String)] = []) async throws -> Reply {
        try await send(.GET, path, headers: headers, body: nil)
    }

    public func send(
        _ method: HTTPMethod, _ path: String, headers: [(String, String)] = [], body: String?,
        timeout: TimeAmount = .seconds(10)
    ) async throws
        -> Reply
    {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await Self.client.execute(request, timeout: timeout)
        let buffer = try await response.body.collect(upTo: 1 << 20)
        return Reply(status: response.status, headers: response.headers, body: String(buffer: buffer))
    }

    /// A client that, like a script, does not follow redirects (so a 302 can be asserted).
    static let client = HTTPClient(
        eventLoopGroupProvider: .singleton,
        configuration: HTTPClient.Configuration(redirectConfiguration: .disallow))

    static func freePort() throws -> Int {
        let socket = try ServerSocketProbe()
        return socket.port
    }
}

/// Finds a free TCP port by binding to port 0.
private struct ServerSocketProbe {
    let port: Int

    init() throws {
        let descriptor = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw LiveServerError("socket() failed") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0 else { throw LiveServerError("bind() failed") }
        var actual = sockaddr_in()
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        port = Int(UInt16(bigEndian: actual.sin_port))
    }
}

public struct LiveServerError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Foundation's `Process.run()` on Linux is not safe to call from several threads at once (it
/// copies the environment while another launch does the same, and crashes now and then when
/// many tests start the executable in parallel), so every launch goes through one lock.
enum ProcessLaunch {
    private static let lock = NSLock()

    static func serialized<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}
