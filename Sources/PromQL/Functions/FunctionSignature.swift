/// The type signature of a PromQL function: what the parser needs to check a call.
public struct FunctionSignature: Sendable, Equatable {
    public let name: String
    public let argTypes: [ValueType]
    /// 0: exactly `argTypes`; n > 0: the last argument may be left out or repeated up to n
    /// times in all; -1: the last argument may repeat without limit.
    public let variadic: Int
    public let returnType: ValueType

    init(_ name: String, _ argTypes: [ValueType], variadic: Int, returns returnType: ValueType) {
        self.name = name
        self.argTypes = argTypes
        self.variadic = variadic
        self.returnType = returnType
    }

    /// The signature of the function `name`, or nil when PromQL has no such function.
    public static func named(_ name: String) -> FunctionSignature? { table[name] }

    /// Every function of Prometheus 2.42 with its argument and return types.
    public static let all: [FunctionSignature] = [
        FunctionSignature("abs", [.vector], variadic: 0, returns: .vector),
        FunctionSignature("absent", [.vector], variadic: 0, returns: .vector),
        FunctionSignature("absent_over_time", [.matrix], variadic: 0, returns: .vector),
        FunctionSignature("acos", [.vector], variadic: 0, returns: .vector),
        FunctionSignature("acosh", [.vector], variadic: 0, returns: .vector),
        FunctionSignature("asin", [.vector], variadic: 0, returns: .vector),
        FunctionSignature("asinh", [.vector], variadic: 0, returns: .vector),
        FunctionSignature("atan", [.vector], variadic: 0, returns: .vector),
        FunctionSignature("atanh", [.vector], variadic: 0, returns: .vector),
        FunctionSignature("avg_over_time", [.matrix], variadic: 0, returns: .vector),
        FunctionSignature("ceil", [.vector], variadic: 0, returns: .vector),
        FunctionSignature("changes", [.matrix], variadic: 0, returns: .vector),
        FunctionSignature("clamp", [.vector, .scalar, .scalar], variadic: 0, returns: .vector),
        FunctionSignature("clamp_max", [.vector, .scalar], variadic: 0, returns: .vector),
        FunctionSignature("clamp_min", [.vector, .scalar], variadic: 0, returns: .vector),
        FunctionSignature("cos", [.vector], variadic: 0, returns: .vector),
        FunctionSignature("cosh", [.vector], variadic: 0, returns: .vector),
        FunctionSignature("count_over_time", [.matrix], variadic: 0, returns: .vector),
        FunctionSignature("days_in_month", [.vector], variadic: 1, returns: .vector),
        FunctionSignature("day_of_month", [.vector], variadic: 1, returns: .vector),
        FunctionSignature("day_of_week", [.vector], variadic: 1, returns: .vector),
        FunctionSignature("day_of_year", [.vector], variadic: 1, returns: .vector),
        FunctionSignature("deg", [.vector], variadic: 0, returns: .vector),
        FunctionSignature("delta", [.matrix], variadic: 0, returns: .vector),
        FunctionSignature("deriv", [.matrix], variadic: 0, returns: .vector),
        FunctionSignature("exp", [.vector], variadic: 0, returns: .vector),
        FunctionSignature("floor", [.vector], variadic: 0, returns: .vector),
        FunctionSignature("histogram_count", [.vector], variadic: 0, returns: .vector),
        FunctionSignature("histogram_sum", [.vector], variadic: 0, returns: .vector),
        FunctionSignature("histogram_fraction", [.scalar, .scalar, .vector], variadic: 0, returns: .vector),
        FunctionSignature("histogram_quantile", [.scalar, .vector], variadic: 0, returns: .vector),
        FunctionSignature("holt_winters", [.matrix, .scalar, .scalar], variadic: 0, returns: .vector),
        FunctionSignature("hour", [.vector], variadic: 1, returns: .vector),
        FunctionSignature("idelta", [.matrix], variadic: 0, returns: .vector),
        FunctionSignature("increase", [.matrix], variadic: 0, returns: .vector),
        FunctionSignature("irate", [.matrix], variadic: 0, returns: .vector),
        FunctionSignature("label_replace", [.vector, .string, .string, .string, .string], variadic: 0, returns: .vector),
        FunctionSignature("label_join", [.vector, .string, .string, .string], variadic: -1, returns: .vector),
        FunctionSignature("last_over_time", [.matrix], variadic: 0, returns: .vector),
        FunctionSignature("ln", [.vector], variadic: 0, returns: .vector),
        FunctionSignature("log10", [.vector], variadic: 0, returns: .vector),
        FunctionSignature("log2", [.vector], variadic: 0, returns: .vector),
        FunctionSignature("max_over_time", [.matrix], variadic: 0, returns: .vector),
        FunctionSignature("min_over_time", [.matrix], variadic: 0, returns: .vector),
        FunctionSignature("minute", [.vector], variadic: 1, returns: .vector),
        FunctionSignature("month", [.vector], variadic: 1, returns: .vector),
        FunctionSignature("pi", [], variadic: 0, returns: .scalar),
        FunctionSignature("predict_linear", [.matrix, .scalar], variadic: 0, returns: .vector),
        FunctionSignature("present_over_time", [.matrix], variadic: 0, returns: .vector),
        FunctionSignature("quantile_over_time", [.scalar, .matrix], variadic: 0, returns: .vector),
        FunctionSignature("rad", [.vector], variadic: 0, returns: .vector),
        FunctionSignature("rate", [.matrix], variadic: 0, returns: .vector),
        FunctionSignature("resets", [.matrix], variadic: 0, returns: .vector),
        FunctionSignature("round", [.vector, .scalar], variadic: 1, returns: .vector),
        FunctionSignature("scalar", [.vector], variadic: 0, returns: .scalar),
        FunctionSignature("sgn", [.vector], variadic: 0, returns: .vector),
        FunctionSignature("sin", [.vector], variadic: 0, returns: .vector),
        FunctionSignature("sinh", [.vector], variadic: 0, returns: .vector),
        FunctionSignature("sort", [.vector], variadic: 0, returns: .vector),
        FunctionSignature("sort_desc", [.vector], variadic: 0, returns: .vector),
        FunctionSignature("sqrt", [.vector], variadic: 0, returns: .vector),
        FunctionSignature("stddev_over_time", [.matrix], variadic: 0, returns: .vector),
        FunctionSignature("stdvar_over_time", [.matrix], variadic: 0, returns: .vector),
        FunctionSignature("sum_over_time", [.matrix], variadic: 0, returns: .vector),
        FunctionSignature("tan", [.vector], variadic: 0, returns: .vector),
        FunctionSignature("tanh", [.vector], variadic: 0, returns: .vector),
        FunctionSignature("time", [], variadic: 0, returns: .scalar),
        FunctionSignature("timestamp", [.vector], variadic: 0, returns: .vector),
        FunctionSignature("vector", [.scalar], variadic: 0, returns: .vector),
        FunctionSignature("year", [.vector], variadic: 1, returns: .vector),
    ]

    private static let table: [String: FunctionSignature] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })
}
