import Foundation
import Testing
import TidingsCore

/// Throttling: failures slow the guesser down, never the real user elsewhere.
@Suite struct FailureThrottleTests {
    let attacker = IPAddress("198.51.100.7")!
    let user = IPAddress("203.0.113.5")!
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("free failures, then an exponential back-off with Retry-After")
    func backoff() {
        let throttle = FailureThrottle(
            limits: [.login: .init(perAddress: 3, perUsernameAndAddress: 3, perUsername: 100, maximumBackoff: 60)])
        for _ in 0..<3 { #expect(throttle.fail(.login, address: attacker, username: nil, at: start) == nil) }
        #expect(throttle.retryAfter(.login, address: attacker, username: nil, at: start) == nil)
        #expect(throttle.fail(.login, address: attacker, username: nil, at: start) == 1)
        #expect(throttle.fail(.login, address: attacker, username: nil, at: start) == 2)
        #expect(throttle.fail(.login, address: attacker, username: nil, at: start) == 4)
        #expect(throttle.retryAfter(.login, address: attacker, username: nil, at: start) == 4)
        #expect(throttle.retryAfter(.login, address: attacker, username: nil, at: start + 3.5) == 1)
        #expect(throttle.retryAfter(.login, address: attacker, username: nil, at: start + 4) == nil)
        for _ in 0..<20 { throttle.fail(.login, address: attacker, username: nil, at: start) }
        #expect(throttle.retryAfter(.login, address: attacker, username: nil, at: start) == 60, "capped")
        // Counts are forgotten after the window without failures.
        #expect(throttle.fail(.login, address: attacker, username: nil, at: start + 60 + 901) == nil)
    }

    @Test("an address's own wait, apart from any username's")
    func addressWait() {
        let throttle = FailureThrottle(
            limits: [.api: .init(perAddress: 4, perUsernameAndAddress: 2, perUsername: 100, maximumBackoff: 60)])
        // Past the username's allowance at this address: that pair waits, the address does not.
        for _ in 0..<3 { throttle.fail(.api, address: attacker, username: "alice", at: start) }
        #expect(throttle.retryAfter(.api, address: attacker, username: "alice", at: start) == 1)
        #expect(throttle.addressWait(.api, address: attacker, at: start) == nil)
        // Past the address's allowance, whatever the usernames: the address waits.
        for _ in 0..<3 { throttle.fail(.api, address: attacker, username: "bob", at: start) }
        #expect(throttle.addressWait(.api, address: attacker, at: start) == 2)
        #expect(throttle.addressWait(.api, address: attacker, at: start + 1.5) == 1)
        #expect(throttle.addressWait(.api, address: attacker, at: start + 2) == nil)
        // Other addresses and other scopes are untouched.
        #expect(throttle.addressWait(.api, address: user, at: start) == nil)
        #expect(throttle.addressWait(.login, address: attacker, at: start) == nil)
    }

    @Test("1,000 failures from one address leave the real user at another address alone")
    func realUserElsewhere() {
        let throttle = FailureThrottle()
        for scope in [FailureThrottle.Scope.login, .api] {
            for index in 0..<1_000 {
                throttle.fail(scope, address: attacker, username: "alice", at: start + Double(index) / 1_000)
            }
            #expect(throttle.retryAfter(scope, address: attacker, username: "alice", at: start + 1) != nil)
            #expect(throttle.retryAfter(scope, address: attacker, username: "bob", at: start + 1) != nil)
            #expect(throttle.retryAfter(scope, address: user, username: "alice", at: start + 1) == nil)
            #expect(throttle.retryAfter(scope, address: user, username: nil, at: start + 1) == nil)
        }
        #expect(
            throttle.retryAfter(.leakReport, address: attacker, username: nil, at: start + 1) == nil, "scopes apart")
    }

    @Test("an attack spread over many addresses slows each failing address at once")
    func distributed() {
        let throttle = FailureThrottle(
            limits: [.login: .init(perAddress: 20, perUsernameAndAddress: 5, perUsername: 10)])
        for index in 0..<10 {
            throttle.fail(.login, address: IPAddress(ipv4: 0x0A00_0000 + UInt32(index)), username: "alice", at: start)
        }
        let next = IPAddress("10.0.1.1")!
        #expect(throttle.fail(.login, address: next, username: "alice", at: start) != nil)
        #expect(throttle.retryAfter(.login, address: user, username: "alice", at: start) == nil)
    }

    @Test("memory stays bounded under a flood of addresses")
    func bounded() {
        let throttle = FailureThrottle(capacity: 1_000)
        for index in 0..<10_000 {
            throttle.fail(.api, address: IPAddress(ipv4: UInt32(index)), username: "u\(index)", at: start)
        }
        // The newest keys survive eviction.
        for _ in 0..<60 { throttle.fail(.api, address: attacker, username: nil, at: start) }
        #expect(throttle.retryAfter(.api, address: attacker, username: nil, at: start) != nil)
    }
}
