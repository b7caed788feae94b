import Foundation
import Hummingbird
import TidingsCore
import TidingsStore

/// `/api/health`, `/api/config`, `/api/about`.
struct SystemController {
    let configuration: TidingsConfiguration
    let engine: any DatabaseEngine

    var routes: [APIRoute] {
        [
            APIRoute(.get, "health", .authenticated, health),
            APIRoute(.get, "config", .authenticated, config),
            APIRoute(.get, "about", .anyOf([.settingsGet]), about),
        ]
    }

    @Sendable func health(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try ok(true, request)
    }

    struct ConfigJSON: Encodable, Sendable {
        struct PublicSubscription: Encodable, Sendable {
            var enabled = false
            var captcha_enabled = false
            var captcha_provider: String? = nil
            var captcha_key: String? = nil
            var altcha_complexity = 0
            var redirect_urls: [String]? = nil

            enum CodingKeys: String, CodingKey {
                case enabled, captcha_enabled, captcha_provider, captcha_key, altcha_complexity, redirect_urls
            }

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(enabled, forKey: .enabled)
                try container.encode(captcha_enabled, forKey: .captcha_enabled)
                try container.encode(captcha_provider, forKey: .captcha_provider)
                try container.encode(captcha_key, forKey: .captcha_key)
                try container.encode(altcha_complexity, forKey: .altcha_complexity)
                try container.encode(redirect_urls, forKey: .redirect_urls)
            }
        }
        struct Privacy: Encodable, Sendable {
            var disable_tracking = false
            var individual_tracking = false
        }
        struct Language: Encodable, Sendable {
            let code: String
            let name: String
        }

        let root_url: String
        var from_email = ""
        var public_subscription = PublicSubscription()
        var privacy = Privacy()
        var media_provider = "filesystem"
        var messengers = ["email"]
        var langs = [Language(code: "en", name: "English")]
        var lang = "en"
        let permissions: [PermissionGroup]
        var update: String? = nil
        var needs_restart = false
        var has_legacy_user = false
        let version: String

        enum CodingKeys: String, CodingKey {
            case root_url, from_email, public_subscription, privacy, media_provider, messengers, langs, lang
            case permissions, update, needs_restart, has_legacy_user, version
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(root_url, forKey: .root_url)
            try container.encode(from_email, forKey: .from_email)
            try container.encode(public_subscription, forKey: .public_subscription)
            try container.encode(privacy, forKey: .privacy)
            try container.encode(media_provider, forKey: .media_provider)
            try container.encode(messengers, forKey: .messengers)
            try container.encode(langs, forKey: .langs)
            try container.encode(lang, forKey: .lang)
            try container.encode(permissions, forKey: .permissions)
            try container.encode(update, forKey: .update)
            try container.encode(needs_restart, forKey: .needs_restart)
            try container.encode(has_legacy_user, forKey: .has_legacy_user)
            try container.encode(version, forKey: .version)
        }
    }

    /// Public settings and the permission catalogue. Settings Tidings has no feature for yet
    /// (public subscription, privacy, media) show listmonk's defaults.
    @Sendable func config(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try ok(
            ConfigJSON(
                root_url: configuration.rootURL, permissions: Permission.catalogue,
                version: TidingsVersion.current),
            request)
    }

    struct AboutJSON: Encodable {
        struct Database: Encodable {
            let type: String
        }
        struct System: Encodable {
            let num_cpu: Int
        }
        struct Host: Encodable {
            let os: String
            let arch: String
            let hostname: String
        }
        let version: String
        let build: String
        let database: Database
        let system: System
        let host: Host
    }

    /// Like listmonk, no envelope. Unlike listmonk, it needs `settings:get`: it names the host.
    @Sendable func about(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        #if arch(x86_64)
            let arch = "amd64"
        #elseif arch(arm64)
            let arch = "arm64"
        #else
            let arch = "unknown"
        #endif
        let about = AboutJSON(
            version: TidingsVersion.current, build: TidingsVersion.build,
            database: .init(type: engine.flavor.rawValue),
            system: .init(num_cpu: ProcessInfo.processInfo.activeProcessorCount),
            host: .init(os: "linux", arch: arch, hostname: ProcessInfo.processInfo.hostName))
        return try APIResponseEncoder.response(about, status: .ok, pretty: request.param("pretty") != nil)
    }
}

/// The version this build reports.
public enum TidingsVersion {
    public static let current = "0.1.0"
    public static let build = "dev"
}
