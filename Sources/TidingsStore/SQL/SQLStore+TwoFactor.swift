import Foundation
import SQLKit
import TidingsCore

extension SQLStore: TwoFactorStore {
    public func sealedTwoFactorKey(userID: UserID) async throws -> String? {
        try await engine.read { database in
            try await database.raw(
                "SELECT twofa_key FROM users WHERE id = \(bind: userID.rawValue) AND twofa_type = 'totp'"
            ).first()?.optionalString("twofa_key")
        }
    }

    public func setTwoFactor(userID: UserID, sealedKey: String?, at now: Date) async throws {
        try await engine.write { database in
            try await database.raw(
                """
                UPDATE users SET twofa_type = \(bind: sealedKey == nil ? "none" : "totp"), twofa_key = \(bind: sealedKey),
                    twofa_last_step = NULL, updated_at = \(bind: now)
                WHERE id = \(bind: userID.rawValue)
                """
            ).run()
        }
    }

    public func claimTwoFactorStep(userID: UserID, step: Int64) async throws -> Bool {
        try await engine.write { database in
            let claimed = try await database.raw(
                """
                UPDATE users SET twofa_last_step = \(bind: step)
                WHERE id = \(bind: userID.rawValue) AND (twofa_last_step IS NULL OR twofa_last_step < \(bind: step))
                RETURNING id
                """
            ).all()
            return !claimed.isEmpty
        }
    }
}
