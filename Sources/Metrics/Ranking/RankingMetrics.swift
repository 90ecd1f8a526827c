/// Ranking metrics of scores against binary labels: the area under the ROC curve and average
/// precision, computed as scikit-learn's `roc_auc_score` and `average_precision_score`.
///
/// Samples are sorted by descending score; tied scores form one threshold (the curve moves
/// diagonally across a tie, so a tie between a positive and a negative counts one half).
public enum RankingMetrics {
    /// One point of the curves per distinct score, from the highest score down: the true and
    /// false positives among the samples scoring at least that much.
    static func cumulativeCounts(scores: [Float], positives: [Bool]) throws -> (truePositives: [Double], falsePositives: [Double]) {
        guard scores.count == positives.count else {
            throw MetricsError("\(scores.count) scores for \(positives.count) labels; give one label per score")
        }
        guard !scores.isEmpty else { throw MetricsError("no scores to rank") }
        if let bad = scores.firstIndex(where: { !$0.isFinite }) {
            throw MetricsError("score \(bad) is \(scores[bad]); ranking metrics need finite scores")
        }
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        var truePositives: [Double] = [], falsePositives: [Double] = []
        var tp = 0.0, fp = 0.0
        for (rank, index) in order.enumerated() {
            if positives[index] { tp += 1 } else { fp += 1 }
            let isLastOfTie = rank == order.count - 1 || scores[order[rank + 1]] != scores[index]
            if isLastOfTie {
                truePositives.append(tp)
                falsePositives.append(fp)
            }
        }
        return (truePositives, falsePositives)
    }

    /// The area under the ROC curve of `scores` (higher = more likely positive) for the
    /// `positives` labels, by the trapezoidal rule over distinct thresholds. Both classes must
    /// occur.
    public static func areaUnderROC(scores: [Float], positives: [Bool]) throws -> Double {
        let (tps, fps) = try cumulativeCounts(scores: scores, positives: positives)
        let positiveCount = tps.last!, negativeCount = fps.last!
        guard positiveCount > 0, negativeCount > 0 else {
            throw MetricsError("the area under the ROC curve needs both positive and negative samples; these are all \(positiveCount > 0 ? "positive" : "negative")")
        }
        var area = 0.0, previousTPR = 0.0, previousFPR = 0.0
        for (tp, fp) in zip(tps, fps) {
            let tpr = tp / positiveCount, fpr = fp / negativeCount
            area += (fpr - previousFPR) * (tpr + previousTPR) / 2
            (previousTPR, previousFPR) = (tpr, fpr)
        }
        return area
    }

    /// Average precision: Σₙ (Rₙ − Rₙ₋₁) Pₙ over distinct thresholds from the highest score
    /// down (no interpolation), as scikit-learn. At least one positive must occur.
    public static func averagePrecision(scores: [Float], positives: [Bool]) throws -> Double {
        let (tps, fps) = try cumulativeCounts(scores: scores, positives: positives)
        let positiveCount = tps.last!
        guard positiveCount > 0 else { throw MetricsError("average precision needs at least one positive sample") }
        var total = 0.0, previousRecall = 0.0
        for (tp, fp) in zip(tps, fps) {
            let recall = tp / positiveCount, precision = tp / (tp + fp)
            total += (recall - previousRecall) * precision
            previousRecall = recall
        }
        return total
    }
}
