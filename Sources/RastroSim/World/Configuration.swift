/// What to simulate: the size of the world and how hard it is to read.
public struct SimulationOptions: Sendable, Hashable {
    public enum Scale: String, Sendable, CaseIterable {
        case small, medium, large
    }

    public enum Difficulty: String, Sendable, CaseIterable {
        /// Schemes stand out (bigger leaks, no dark legs, little noise): for tutorials.
        case easy
        /// As hard as the real thing: every figure is reported on this one.
        case realistic
    }

    public var seed: UInt64
    public var scale: Scale
    public var difficulty: Difficulty

    public init(seed: UInt64, scale: Scale = .small, difficulty: Difficulty = .realistic) {
        self.seed = seed
        self.scale = scale
        self.difficulty = difficulty
    }
}

/// The numbers behind a scale and a difficulty.
struct Parameters {
    var consignments: Int
    var importers: Int
    var distributors: Int
    var endUsers: Int
    var carriers: Int
    var brokers: Int
    var exporters: Int
    var labs: Int
    var raidedLabs: Int
    /// Minutes between GPS fixes (± 10 %).
    var gpsInterval: Double
    /// Share of consignments that a scheme diverts.
    var divertedShare: Double

    // Difficulty.
    /// Share of a leaking distributor's receipts that leaks, and how much of it is covered by
    /// claimed losses in the usage reports.
    var leakShare: ClosedRange<Double>
    var leakCovered: ClosedRange<Double>
    /// Counting error of honest usage reports (relative, 1 σ).
    var countingError: Double
    /// Chance that a diverting leg goes dark around its deviation.
    var darkDeviation: Double
    /// Honest noise rates: legs that stop away from known places, detour, lose signal; clerical
    /// mismatches in declarations; honest transshipment.
    var honestStops: Double
    var honestDetour: Double
    var honestGap: Double
    var clericalMismatch: Double
    var honestTransshipment: Double
    /// Share of fronts that file plausible usage reports.
    var frontsReporting: Double
    /// Aerial false positives per true one.
    var falsePositiveRatio: Double
    /// How often the schemes' paperwork copies names carefully.
    var schemeCare: Names.Care

    init(_ options: SimulationOptions) {
        switch options.scale {
        case .small:
            consignments = 200; importers = 14; distributors = 12; endUsers = 40; carriers = 6; brokers = 3; exporters = 10
            labs = 3; raidedLabs = 1; gpsInterval = 20
        case .medium:
            consignments = 2_000; importers = 70; distributors = 60; endUsers = 260; carriers = 24; brokers = 10; exporters = 36
            labs = 8; raidedLabs = 2; gpsInterval = 19
        case .large:
            consignments = 20_000; importers = 420; distributors = 380; endUsers = 1_800; carriers = 90; brokers = 40
            exporters = 140; labs = 20; raidedLabs = 5; gpsInterval = 12
        }
        divertedShare = 0.07
        switch options.difficulty {
        case .realistic:
            leakShare = 0.02...0.08; leakCovered = 0.3...0.7; countingError = 0.015; darkDeviation = 0.35
            honestStops = 0.45; honestDetour = 0.12; honestGap = 0.08; clericalMismatch = 0.025; honestTransshipment = 0.12
            frontsReporting = 0.4; falsePositiveRatio = 2.0; schemeCare = .sloppy
        case .easy:
            leakShare = 0.12...0.25; leakCovered = 0...0; countingError = 0.003; darkDeviation = 0
            honestStops = 0.1; honestDetour = 0.02; honestGap = 0.01; clericalMismatch = 0.002; honestTransshipment = 0.03
            frontsReporting = 0; falsePositiveRatio = 0.3; schemeCare = .ordinary
        }
    }
}
