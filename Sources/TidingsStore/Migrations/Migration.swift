/// One numbered schema change, written once per dialect. Numbers are the same in both, never
/// reused, and a released migration is never edited: add a new one instead.
struct Migration: Sendable {
    let version: Int
    let name: String
    let sqlite: [String]
    let postgres: [String]

    func statements(for flavor: SQLFlavor) -> [String] {
        switch flavor {
        case .sqlite: return sqlite
        case .postgres: return postgres
        }
    }

    /// Every migration, in order.
    static let all: [Migration] = [.initialSchema]
}
