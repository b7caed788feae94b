extension Migration {
    /// Subscribers of one list in id order straight from an index (the listing's default order,
    /// and the export's keyset), instead of testing every subscriber for membership. Migration
    /// 4's index on (subscriber_id, list_id) repeated the primary key: dropped, as it only slowed
    /// writes.
    static let listMemberIndex = Migration(
        version: 5, name: "list member index",
        statements: [
            "DROP INDEX subscriber_lists_subscriber",
            "CREATE INDEX subscriber_lists_member ON subscriber_lists (list_id, subscriber_id)",
        ])
}
