/// A global permission, held by a user role. Raw values are listmonk's permission names, which
/// appear on the wire (`/api/config`, roles) and in `permission denied: <perm>` messages.
public enum Permission: String, CaseIterable, Sendable, Codable, Hashable {
    case listsGetAll = "lists:get_all"
    case listsManageAll = "lists:manage_all"

    case subscribersGet = "subscribers:get"
    case subscribersGetAll = "subscribers:get_all"
    case subscribersManage = "subscribers:manage"
    case subscribersImport = "subscribers:import"
    case subscribersSQLQuery = "subscribers:sql_query"
    case txSend = "tx:send"

    case campaignsGet = "campaigns:get"
    case campaignsGetAll = "campaigns:get_all"
    case campaignsGetAnalytics = "campaigns:get_analytics"
    case campaignsManage = "campaigns:manage"
    case campaignsManageAll = "campaigns:manage_all"
    case campaignsSend = "campaigns:send"

    case bouncesGet = "bounces:get"
    case bouncesManage = "bounces:manage"
    case webhooksPostBounce = "webhooks:post_bounce"

    case mediaGet = "media:get"
    case mediaManage = "media:manage"

    case templatesGet = "templates:get"
    case templatesManage = "templates:manage"

    case usersGet = "users:get"
    case usersManage = "users:manage"
    case rolesGet = "roles:get"
    case rolesManage = "roles:manage"

    case settingsGet = "settings:get"
    case settingsManage = "settings:manage"
    case settingsMaintain = "settings:maintain"

    /// Tidings' own: reading the audit log (not in listmonk's catalogue).
    case auditGet = "audit:get"
}

/// A per-list permission, held by a list role for one list. Note the singular `list:` prefix.
public enum ListPermission: String, CaseIterable, Sendable, Codable, Hashable {
    case get = "list:get"
    case manage = "list:manage"
}

/// One group of the permission catalogue, as `/api/config` returns it.
public struct PermissionGroup: Sendable, Codable, Equatable {
    public let group: String
    public let permissions: [String]
}

extension Permission {
    /// The catalogue in listmonk's grouping and order (listmonk's `permissions.json`), followed
    /// by Tidings' own group, `audit`.
    public static let catalogue: [PermissionGroup] = {
        let order = [
            "lists", "subscribers", "campaigns", "bounces", "media", "templates", "users", "settings", "audit",
        ]
        let groupOf: (Permission) -> String = { permission in
            switch permission {
            case .txSend: return "subscribers"
            case .webhooksPostBounce: return "bounces"
            case .rolesGet, .rolesManage: return "users"
            default: return String(permission.rawValue.prefix { $0 != ":" })
            }
        }
        return order.map { name in
            PermissionGroup(group: name, permissions: allCases.filter { groupOf($0) == name }.map(\.rawValue))
        }
    }()
}
