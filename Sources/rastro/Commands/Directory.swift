import ArgumentParser
import Foundation
import RastroModel
import RastroShare
import RastroStore

/// Directory changes need an admin: the node's operator (no --as) or a user with the admin role.
func requireAdmin(_ viewer: Viewer, _ settings: NodeSettings) throws {
    if viewer.user == nil && viewer.organization == settings.organization { return }
    guard viewer.roles.contains(.admin) else {
        throw Failure(code: Failure.usage, message: "\(viewer) is not an admin of this node")
    }
}

struct Org: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "org",
        abstract: "The organizations that use this node: its own agencies and partners' units.",
        discussion: """
            A member organization has a country; its users see records by the sharing rules \
            (docs/sharing.md). The node's own organization is a member from `rastro init`.

            Examples:
              rastro org add US-DEA --country US --name "DEA liaison office, Mexico City"
              rastro org list
            """,
        subcommands: [Add.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a member organization.")
        @OptionGroup var store: DatabaseOptions
        @OptionGroup var viewer: ViewerOptions
        @Argument(help: ArgumentHelp("Its id, as records' releasable-to and originator name it (e.g. US-DEA).", valueName: "id"))
        var id: String
        @Option(help: ArgumentHelp("ISO 3166-1 alpha-2.", valueName: "cc"))
        var country: String
        @Option(help: "Its name.")
        var name: String

        func validate() throws {
            guard Marking.isValidParty(id) else { throw ValidationError("ID must be letters, digits, - . _ (2 to 64 characters)") }
            guard Countries.shipped.contains(country.uppercased()) else { throw ValidationError("--country must be an ISO 3166-1 alpha-2 code") }
            guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--name must not be empty") }
        }

        func run() async throws {
            try await store.withStore { store in
                let settings = try await store.settings()
                let viewer = try await viewer.viewer(store, settings)
                try requireAdmin(viewer, settings)
                try await store.addMember(Member(orgID: id.uppercased(), country: country, name: name), by: viewer)
            }
            print("added \(id.uppercased()) (\(country.uppercased()))")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List member organizations.")
        @OptionGroup var store: DatabaseOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let members = try await store.withStore { try await $0.members() }
            if json { return try Terminal.json(members) }
            Terminal.table(["org", "country", "name"], members.map { [$0.orgID, $0.country, $0.name] })
        }
    }
}

struct User: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "People who use this node, each with one role in one member organization.",
        discussion: """
            Roles: analyst (the host's analysts: read, analyze, send leads), liaison (a partner's \
            officer inside the host's node: sees only what was released to its organization or \
            country), admin (manages organizations, users and tokens). Passwords are stored as \
            bcrypt hashes; read from the terminal without echo, or from standard input with \
            --password-stdin.

            Examples:
              rastro user add ana --org MX-SAT --role analyst --name "Ana Ruiz"
              printf '%s\\n' "$PASSWORD" | rastro user add tom --org US-DEA --role liaison --password-stdin
              rastro user list
            """,
        subcommands: [Add.self, List.self, Password.self, Disable.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a user.")
        @OptionGroup var store: DatabaseOptions
        @OptionGroup var viewer: ViewerOptions
        @Argument(help: ArgumentHelp("The user's sign-in name.", valueName: "user"))
        var user: String
        @Option(help: ArgumentHelp("Its member organization.", valueName: "org"))
        var org: String
        @Option(help: "analyst, liaison or admin.")
        var role: String
        @Option(help: "The person's name (default: the sign-in name).")
        var name: String?
        @Flag(help: "Read the password from the first line of standard input.")
        var passwordStdin = false
        @Flag(help: "No password: the user signs in with API tokens only.")
        var noPassword = false

        func validate() throws {
            guard Marking.isValidParty(user) else { throw ValidationError("USER must be letters, digits, - . _ (2 to 64 characters)") }
            guard Viewer.Role(rawValue: role) != nil else { throw ValidationError("--role must be analyst, liaison or admin") }
            guard !(passwordStdin && noPassword) else { throw ValidationError("--password-stdin and --no-password exclude each other") }
        }

        func run() async throws {
            let hash = noPassword ? nil : Credentials.hashPassword(try readPassword(fromStdin: passwordStdin))
            try await store.withStore { store in
                let settings = try await store.settings()
                let viewer = try await viewer.viewer(store, settings)
                try requireAdmin(viewer, settings)
                try await store.addUser(UserAccount(userID: user, orgID: org.uppercased(), role: Viewer.Role(rawValue: role)!,
                                                    displayName: name ?? user, passwordHash: hash), by: viewer)
            }
            print("added user \(user) (\(role), \(org.uppercased()))")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users (never their passwords).")
        @OptionGroup var store: DatabaseOptions
        @Option(help: ArgumentHelp("Only this organization's users.", valueName: "org")) var org: String?
        @Flag(help: "Print JSON.") var json = false

        struct Row: Encodable {
            var user: String, org: String, role: String, name: String, password: Bool, disabled: String?
        }

        func run() async throws {
            let users = try await store.withStore { try await $0.users(organization: org?.uppercased()) }
            let rows = users.map { Row(user: $0.userID, org: $0.orgID, role: $0.role.rawValue, name: $0.displayName,
                                       password: $0.passwordHash != nil, disabled: $0.disabledAt) }
            if json { return try Terminal.json(rows) }
            Terminal.table(["user", "org", "role", "name", "password", "disabled"],
                           rows.map { [$0.user, $0.org, $0.role, $0.name, $0.password ? "yes" : "no", $0.disabled ?? ""] })
        }
    }

    struct Password: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "passwd", abstract: "Set a user's password.")
        @OptionGroup var store: DatabaseOptions
        @OptionGroup var viewer: ViewerOptions
        @Argument(help: ArgumentHelp("The user.", valueName: "user")) var user: String
        @Flag(help: "Read the password from the first line of standard input.") var passwordStdin = false

        func run() async throws {
            let hash = Credentials.hashPassword(try readPassword(fromStdin: passwordStdin))
            try await store.withStore { store in
                let settings = try await store.settings()
                let viewer = try await viewer.viewer(store, settings)
                if viewer.user != user { try requireAdmin(viewer, settings) }
                try await store.setPassword(of: user, hash: hash, by: viewer)
            }
            print("password of \(user) changed")
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable a user and revoke all of its tokens.")
        @OptionGroup var store: DatabaseOptions
        @OptionGroup var viewer: ViewerOptions
        @Argument(help: ArgumentHelp("The user.", valueName: "user")) var user: String

        func run() async throws {
            try await store.withStore { store in
                let settings = try await store.settings()
                let viewer = try await viewer.viewer(store, settings)
                try requireAdmin(viewer, settings)
                try await store.disableUser(user, by: viewer)
            }
            print("disabled \(user)")
        }
    }
}

struct Token: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "API tokens: how users' programs and partner nodes sign in.",
        discussion: """
            A token is printed once, when created; the node keeps only its SHA-256. It acts with its \
            user's organization and role.

            Examples:
              rastro token create --user tom --label "TAXII pull" --days 90
              rastro token list --user tom
              rastro token revoke Xy3k_9aZ
            """,
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a token for a user and print it once.")
        @OptionGroup var store: DatabaseOptions
        @OptionGroup var viewer: ViewerOptions
        @Option(help: ArgumentHelp("The user it acts as.", valueName: "user")) var user: String
        @Option(help: "What it is for.") var label = ""
        @Option(help: ArgumentHelp("Days until it expires (default: never).", valueName: "n")) var days: Int?

        func validate() throws {
            if let days, days < 1 || days > 3650 { throw ValidationError("--days must be 1 to 3650") }
        }

        func run() async throws {
            let (token, id, hash) = Credentials.newToken()
            try await store.withStore { store in
                let settings = try await store.settings()
                let viewer = try await viewer.viewer(store, settings)
                if viewer.user != user { try requireAdmin(viewer, settings) }
                guard let account = try await store.user(user), account.disabledAt == nil else {
                    throw Failure(code: Failure.usage, message: "no enabled user \(user)")
                }
                let expires = days.map { Timestamp.format(epoch: Int64(Date().timeIntervalSince1970) + Int64($0) * 86_400) }
                try await store.addToken(APITokenRecord(tokenID: id, userID: user, label: label, expiresAt: expires), hash: hash, by: viewer)
            }
            Terminal.note("token \(id) for \(user); it is shown only now:")
            print(token)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (ids and state, never the tokens).")
        @OptionGroup var store: DatabaseOptions
        @Option(help: ArgumentHelp("Only this user's tokens.", valueName: "user")) var user: String?
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let tokens = try await store.withStore { try await $0.tokens(of: user) }
            if json { return try Terminal.json(tokens) }
            Terminal.table(["token", "user", "label", "created", "expires", "revoked"],
                           tokens.map { [$0.tokenID, $0.userID, $0.label, $0.createdAt, $0.expiresAt ?? "never", $0.revokedAt ?? ""] })
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token.")
        @OptionGroup var store: DatabaseOptions
        @OptionGroup var viewer: ViewerOptions
        @Argument(help: ArgumentHelp("The token's id.", valueName: "id")) var id: String

        func run() async throws {
            try await store.withStore { store in
                let settings = try await store.settings()
                let viewer = try await viewer.viewer(store, settings)
                let owner = try await store.tokens().first { $0.tokenID == id }?.userID
                if owner == nil || viewer.user != owner { try requireAdmin(viewer, settings) }
                try await store.revokeToken(id, by: viewer)
            }
            print("revoked \(id)")
        }
    }
}

/// A password from standard input's first line, or typed twice at the terminal without echo.
func readPassword(fromStdin: Bool) throws -> String {
    let password: String
    if fromStdin || isatty(0) != 1 {
        guard let line = readLine(strippingNewline: true) else {
            throw Failure(code: Failure.usage, message: "no password on standard input")
        }
        password = line
    } else {
        let first = Terminal.readSecret("password: ")
        let second = Terminal.readSecret("again: ")
        guard first == second else { throw Failure(code: Failure.usage, message: "the passwords differ") }
        password = first
    }
    if let problem = Credentials.passwordProblem(password) { throw Failure(code: Failure.usage, message: problem) }
    return password
}
