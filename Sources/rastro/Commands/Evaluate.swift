import ArgumentParser
import RastroStore
import RastroModel
import Foundation
import RastroSim

struct Evaluate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score findings against a simulated world's truth.",
        discussion: """
            Reads the truth.json that `rastro simulate` wrote and a findings file (contract v1) and \
            prints how well the findings match. Consignments the findings leave out count with \
            risk 0, truth mentions they leave out as singletons; ids the truth lacks are ignored; \
            each such item is counted in the output. A group of tied risks counts by its expected \
            share, and pairwise precision or recall is 1 when there is no pair to judge.

            Metrics ("n/a" when undefined):
              AUC          chance a diverted consignment outranks a clean one; ties half
              precision@k  share diverted among the k riskiest; k = number diverted
              recall@0.5   share of the diverted consignments with risk >= 0.5
              precision    share of mention pairs put together that are one party
              recall       share of same-party mention pairs put together
              F1           harmonic mean of that pairwise precision and recall
              hit@k        share of labs within 2 km of a top-k area; k = 1 5 10 L 2L
              precision@L  share of the top L areas (L = labs) finding a distinct lab
              custody      share of the kilograms the custody traces allocate that went to
                           the lot the transfer really carried; per allocation (named,
                           matched by quantity, first-in-first-out)

            Without --findings it scores the findings of the store's last `rastro analyze`, and \
            its custody traces too (a findings file holds none: custody is then n/a).

            Examples:
              rastro evaluate --truth world/truth.json --findings findings.json
              rastro analyze && rastro evaluate --truth world/truth.json
            """)

    @Option(help: ArgumentHelp("The world's truth, as written by rastro simulate.", valueName: "file"))
    var truth: String

    @Option(help: ArgumentHelp("The findings to score (contract v1 findings JSON; default: the store's last analysis).", valueName: "file"))
    var findings: String?

    @OptionGroup var store: DatabaseOptions

    @Flag(help: "Print JSON instead of a report.")
    var json = false

    func run() async throws {
        var stored: Findings?
        var allocations: [Evaluator.Allocation]?
        if findings == nil {
            let noAnalysis = Failure(code: Failure.usage, message: """
                no findings to score: the store holds no analysis; run `rastro analyze`, \
                or pass --findings FILE, a findings JSON file (contract v1)
                """)
            // Never create an empty SQLite file just to find it has no analysis.
            if case .sqlite(let path) = try store.url(), !FileManager.default.fileExists(atPath: path) { throw noAnalysis }
            let read: (run: AnalysisRun?, steps: [Evaluator.Allocation])
            do {
                read = try await store.withStore { store in
                    guard let run = try await store.latestAnalysis() else { return (nil, []) }
                    let steps = try await store.storedAllocations().map {
                        Evaluator.Allocation(consignmentID: $0.consignmentID, transferID: $0.transferID, kg: $0.kg, allocation: $0.allocation)
                    }
                    return (run, steps)
                }
            } catch let error as StoreError where error.code == .notInitialized {
                throw noAnalysis
            }
            guard let run = read.run else { throw noAnalysis }
            allocations = read.steps
            stored = try JSONDecoder().decode(Findings.self, from: Data(run.findings.utf8))
        }
        let evaluation: Evaluation
        do throws(Evaluator.InputError) {
            let truth = try Evaluator.readTruth(at: self.truth)
            let findings: Findings
            if let stored { findings = stored } else { findings = try Evaluator.readFindings(at: self.findings ?? "") }
            evaluation = Evaluator.evaluate(findings: findings, truth: truth, allocations: allocations)
        } catch {
            throw Failure(code: error.code == .unreadable ? Failure.usage : Failure.rejectedInput, message: error.description)
        }
        if json {
            try Terminal.json(evaluation)
        } else {
            print(evaluation.report(), terminator: "")
        }
    }
}
