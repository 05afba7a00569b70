import PetrelCore

extension Evaluator {
    /// A subquery `expr[range:step]`: `expr` evaluated by a nested evaluator at every
    /// multiple of the step that falls into [first step - offset - range, last step - offset]
    /// (`@` pins both ends). The result is a range vector of those points, which range
    /// functions window like raw samples.
    mutating func evaluateSubquery(_ s: SubqueryExpr) throws(PromQLError) -> [SeriesData] {
        let step = s.step != 0 ? s.step : max(1, options.defaultSubqueryStep)
        let first = referenceTime(at: s.at, offset: s.offset, step: start)
        let last = referenceTime(at: s.at, offset: s.offset, step: end)
        let lowest = min(first, last) - s.range
        // The first multiple of the step at or after `lowest` (division truncates like Go's).
        var innerStart = step * (lowest / step)
        if innerStart < lowest { innerStart += step }
        let innerEnd = max(first, last)
        guard innerStart <= innerEnd else { return [] }
        var inner = Evaluator(storage: storage, options: options, start: innerStart, end: innerEnd, interval: step,
                              queryStart: queryStart, queryEnd: queryEnd, deadline: deadline)
        inner.currentSamples = currentSamples
        inner.stats = stats
        let value = try inner.evaluate(s.expr)
        currentSamples = inner.currentSamples
        stats = inner.stats
        guard case .matrix(let series) = value else { return [] }
        return series
    }
}
