import Foundation
import HTTPTypes
import Testing
import TidingsCore
import TidingsTestSupport

@testable import TidingsServer

/// The profile pages: password, sessions and two-factor enrolment.
@Suite struct AdminProfilePagesTests {
    @Test(
        "profile: details, a password change that needs the current one, TOTP, sessions", arguments: TestBackend.enabled
    )
    func profile(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let alice = try await app.makeLoginUser("alice")
            let browser = try await AdminBrowser.signIn(app, as: "alice")
            let laptop = try await AdminBrowser.signIn(app, as: "alice")

            let page = try await browser.get("/admin/profile")
            #expect(page.status == .ok && page.body.contains("this session"))
            #expect(page.body.contains("Log out other sessions"))
            let badEmail = try await browser.post("/admin/profile", [("name", "Alice"), ("email", "nope")])
            #expect(badEmail.status == .badRequest && badEmail.body.contains("id=\"email-error\""))
            #expect(
                try await browser.post("/admin/profile", [("name", "Alice A."), ("email", "a@example.com")]).status
                    == .seeOther)
            #expect(try await app.services.users.user(alice.id).email == "a@example.com")

            let mismatch = try await browser.post(
                "/admin/profile/password",
                [("current_password", "password-123"), ("password", "new password 1"), ("password2", "other")])
            #expect(mismatch.status == .badRequest && mismatch.body.contains("id=\"password2-error\""))
            let wrong = try await browser.post(
                "/admin/profile/password",
                [("current_password", "wrong"), ("password", "new password 1"), ("password2", "new password 1")])
            #expect(wrong.status == .badRequest && wrong.body.contains("id=\"current-password-error\""))
            #expect(try await laptop.get("/admin").status == .ok)
            let changed = try await browser.post(
                "/admin/profile/password",
                [("current_password", "password-123"), ("password", "new password 1"), ("password2", "new password 1")])
            #expect(changed.status == .seeOther)
            #expect(try await browser.get("/admin").status == .ok)  // this session stays
            #expect(try await laptop.get("/admin").status == .seeOther)  // the other one ended
            _ = try await app.services.sessions.checkPassword(username: "alice", password: "new password 1")

            // Log out other sessions.
            let phone = try await AdminBrowser.signIn(app, as: "alice", password: "new password 1")
            #expect(try await browser.post("/admin/profile/sessions/logout-others", []).status == .seeOther)
            #expect(try await phone.get("/admin").status == .seeOther)
            #expect(try await browser.get("/admin").status == .ok)

            // TOTP: the offered key, a wrong code, the right code, then off again with the password.
            let offer = try await browser.get("/admin/profile/twofa")
            let secret = try #require(
                offer.body.components(separatedBy: "<code id=\"totp-secret\">").dropFirst().first?.prefix { $0 != "<" })
            #expect(offer.body.contains("otpauth://totp/"))
            let wrongCode = try await browser.post(
                "/admin/profile/twofa", [("secret", String(secret)), ("code", "000000")])
            #expect(wrongCode.status == .badRequest && wrongCode.body.contains(String(secret)))
            let key = try #require(Base32.decode(String(secret)))
            let code = TOTP.code(secret: key, step: TOTP.step(at: Date()))
            #expect(
                try await browser.post("/admin/profile/twofa", [("secret", String(secret)), ("code", code)]).status
                    == .seeOther)
            #expect(try await app.services.users.user(alice.id).twoFactor == .totp)
            let off = try await browser.post("/admin/profile/twofa/disable", [("twofa_password", "wrong")])
            #expect(off.status == .forbidden || off.status == .badRequest)
            #expect(try await app.services.users.user(alice.id).twoFactor == .totp)
            #expect(
                try await browser.post("/admin/profile/twofa/disable", [("twofa_password", "new password 1")]).status
                    == .seeOther)
            #expect(try await app.services.users.user(alice.id).twoFactor == TwoFactorType.none)
        }
    }

    @Test("when two-factor is required, an unenrolled user is sent to enrol, and may still reach profile and logout")
    func requiredTwoFactor() async throws {
        try await TestApp.run(.sqlite, configure: { $0.requireTwoFactor = true }) { app in
            try await app.makeLoginUser("alice")
            let browser = try await AdminBrowser.signIn(app, as: "alice")
            let users = try await browser.get("/admin/users")
            #expect(users.status == .seeOther && users.headers[.location] == "/admin/profile/twofa")
            let enrol = try await browser.get("/admin/profile/twofa")
            #expect(enrol.status == .ok && enrol.body.contains("requires two-factor"))
            #expect(try await browser.post("/admin/logout", []).status == .seeOther)
        }
    }
}
