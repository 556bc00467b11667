import ArgumentParser
import Foundation
import RastroIngest
import RastroShare
import RastroStore

/// The `rastro` command: traces regulated precursor chemicals from port to end user.
@main
struct Rastro: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rastro",
        abstract: "Trace regulated precursor chemicals from the port to their end user, and share what is found under each data owner's rules.",
        discussion: """
            Exit codes: 0 success, 1 rejected input (bad rows or files), 2 usage error \
            (bad option, missing path, database not initialized), 3 store failure.

            Example:
              rastro init --database sqlite:rastro.db --organization MX-SAT --country MX
              rastro ingest Examples/small
              rastro stats
            """,
        version: "0.1.0",
        subcommands: [Init.self, Ingest.self, Stats.self, Show.self, Simulate.self, Evaluate.self, Resolve.self, Entity.self,
                      Analyze.self, FindingsCommand.self, Alerts.self, Trace.self, TraceBenchmark.self, Demo.self,
                      LeadCommand.self, Export.self, Org.self, User.self, Token.self, Audit.self,
                      Serve.self, CollectionCommand.self, Sync.self])

    static func main() async {
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch let failure as Failure {
            if !failure.message.isEmpty { Terminal.error(failure.message) }
            Foundation.exit(failure.code)
        } catch let error as StoreError {
            Terminal.error(error.description)
            Foundation.exit(error.code == .notInitialized || error.code == .badURL ? 2 : 3)
        } catch let error as ShareError {
            Terminal.error(error.description)
            Foundation.exit(error.code == .auditBroken || error.code == .keyMismatch ? 1 : 2)
        } catch let error as IngestError {
            Terminal.error(error.description)
            Foundation.exit(error.code == .usage ? 2 : 1)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            Terminal.error(fullMessage(for: error))
            Foundation.exit(code == .validationFailure ? 2 : code.rawValue)
        }
    }
}

/// An error that has already been reported (or needs only its message), with the exit code to use.
struct Failure: Error {
    var code: Int32
    var message: String

    static let rejectedInput: Int32 = 1
    static let usage: Int32 = 2
    static let store: Int32 = 3
}
