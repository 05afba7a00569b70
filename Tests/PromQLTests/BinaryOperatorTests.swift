import Testing
@testable import PromQL

@Suite("PromQL binary operators")
struct BinaryOperatorTests {
    static let data = """
        load 5m
          req{job="api", instance="0", group="prod"} 0+10x10
          req{job="api", instance="1", group="prod"} 0+20x10
          req{job="api", instance="0", group="canary"} 0+30x10
          req{job="web", instance="0", group="prod"} 0+50x10
          role{job="api", role="backend"} 1+0x10
          role{job="web", role="frontend"} 2+0x10
          ratio{job="api", instance="0"} 0.5+0x10
          ratio{job="api", instance="1"} 0.25+0x10

        """

    @Test("group_left copies the extra labels from the one side onto each of the many")
    func groupLeft() {
        PromQLScript.run(Self.data + """
            eval instant at 50m req * on(job) group_left(role) role
              {job="api", instance="0", group="prod", role="backend"} 100
              {job="api", instance="1", group="prod", role="backend"} 200
              {job="api", instance="0", group="canary", role="backend"} 300
              {job="web", instance="0", group="prod", role="frontend"} 1000
            eval instant at 50m req > on(job) group_left role
              req{job="api", instance="0", group="prod"} 100
              req{job="api", instance="1", group="prod"} 200
              req{job="api", instance="0", group="canary"} 300
              req{job="web", instance="0", group="prod"} 500
            eval instant at 50m role * on(job) group_right(role) req
              {job="api", instance="0", group="prod", role="backend"} 100
              {job="api", instance="1", group="prod", role="backend"} 200
              {job="api", instance="0", group="canary", role="backend"} 300
              {job="web", instance="0", group="prod", role="frontend"} 1000
            eval instant at 50m req / ignoring(group) group_left ratio
              {job="api", instance="0", group="prod"} 200
              {job="api", instance="1", group="prod"} 800
              {job="api", instance="0", group="canary"} 600
            """)
    }

    @Test("ambiguous matches fail with Prometheus' messages")
    func matchingErrors() {
        PromQLScript.run(Self.data + """
            eval_fail instant at 50m req * on(job) role
              multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)
            eval_fail instant at 50m role * on(job) req
              found duplicate series for the match group {job="api"} on the right hand-side of the operation: [{__name__="req", group="prod", instance="0", job="api"}, {__name__="req", group="canary", instance="0", job="api"}];many-to-many matching not allowed: matching labels must be unique on one side
            eval_fail instant at 50m req * on(group) group_left req
              found duplicate series for the match group {group="prod"} on the right hand-side of the operation: [{__name__="req", group="prod", instance="0", job="web"}, {__name__="req", group="prod", instance="0", job="api"}];many-to-many matching not allowed: matching labels must be unique on one side
            eval_fail instant at 50m req * on(group) group_right req
              found duplicate series for the match group {group="prod"} on the left hand-side of the operation: [{__name__="req", group="prod", instance="0", job="web"}, {__name__="req", group="prod", instance="0", job="api"}];many-to-many matching not allowed: matching labels must be unique on one side
            eval_fail instant at 50m req{instance="0"} + on(instance) group_left(job) req{job="api", group="prod"}
              multiple matches for labels: grouping labels must ensure unique matches
            """)
    }

    @Test("and, or and unless match on label sets, on or ignoring")
    func setOperators() {
        PromQLScript.run(Self.data + """
            eval instant at 50m req and req{instance="0"}
              req{job="api", instance="0", group="prod"} 100
              req{job="api", instance="0", group="canary"} 300
              req{job="web", instance="0", group="prod"} 500
            eval instant at 50m req and on(job) role{job="web"}
              req{job="web", instance="0", group="prod"} 500
            eval instant at 50m req unless on(job) role{job="web"}
              req{job="api", instance="0", group="prod"} 100
              req{job="api", instance="1", group="prod"} 200
              req{job="api", instance="0", group="canary"} 300
            eval instant at 50m req{group="canary"} or req{instance="1"}
              req{job="api", instance="0", group="canary"} 300
              req{job="api", instance="1", group="prod"} 200
            eval instant at 50m ratio or ignoring(instance) role
              ratio{job="api", instance="0"} 0.5
              ratio{job="api", instance="1"} 0.25
              role{job="api", role="backend"} 1
              role{job="web", role="frontend"} 2
            eval instant at 50m req unless req
            eval instant at 50m req and nothing
            eval instant at 50m nothing or role{job="web"}
              role{job="web", role="frontend"} 2
            """)
    }

    @Test("^, %, atan2 and comparisons: filters keep the left value and name, bool gives 0/1 without it")
    func arithmeticAndComparison() {
        PromQLScript.run(Self.data + """
            eval instant at 50m role ^ 3
              {job="api", role="backend"} 1
              {job="web", role="frontend"} 8
            eval instant at 50m 2 ^ 3 ^ 2
              512
            eval instant at 50m req{instance="1"} % 70
              {job="api", instance="1", group="prod"} 60
            eval instant at 50m -7 % 3
              -1
            eval instant at 50m role atan2 role
              role{job="api", role="backend"} 0.7853981633974483
              role{job="web", role="frontend"} 0.7853981633974483
            eval instant at 50m req == 200
              req{job="api", instance="1", group="prod"} 200
            eval instant at 50m 200 == req
              req{job="api", instance="1", group="prod"} 200
            eval instant at 50m req{instance="1"} > bool 100
              {job="api", instance="1", group="prod"} 1
            eval instant at 50m ratio <= on(job) group_left role
              ratio{job="api", instance="0"} 0.5
              ratio{job="api", instance="1"} 0.25
            eval instant at 50m role != bool on(job) group_right(role) ratio
              {job="api", instance="0", role="backend"} 1
              {job="api", instance="1", role="backend"} 1
            eval instant at 50m 1 == bool 1
              1
            eval instant at 50m -role
              {job="api", role="backend"} -1
              {job="web", role="frontend"} -2
            """)
    }
}
