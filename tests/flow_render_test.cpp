// Sequence diagrams of traces: Mermaid text and SVG.

#include "testing/flow_test.hpp"

#include <doctest/doctest.h>

using namespace ember;
using namespace ember::testing;

namespace {

// From a real run: a one-task job on one executor.
constexpr const char* one_task_mermaid
  = "sequenceDiagram\n"
    "    participant test\n"
    "    participant dag\n"
    "    participant driver\n"
    "    participant getter\n"
    "    participant executor_0 as executor:0\n"
    "    test->>dag: submit_job name=value function=ember_test_value "
    "partitions=1\n"
    "    dag->>driver: submit_task_set stage=0.0 tasks=1\n"
    "    driver->>dag: task_started_event tid=0 executor=0\n"
    "    driver->>executor_0: launch_task tid=0 stage=0.0 partition=0\n"
    "    executor_0->>driver: status_update executor=0 tid=0 state=RUNNING\n"
    "    executor_0->>executor_0: task_finished tid=0 state=FINISHED\n"
    "    executor_0->>driver: status_update executor=0 tid=0 state=FINISHED "
    "result=direct size=74\n"
    "    driver->>getter: fetch_result tid=0 executor=0 result=direct "
    "size=74\n"
    "    getter->>driver: result_fetched tid=0 size=74\n"
    "    driver->>dag: completion_event tid=0 partition=0 reason=Success\n";

message_event event(std::size_t step, std::string from, std::string to,
                    std::string type, delivery what = delivery::delivered) {
  message_event ev;
  ev.step = step;
  ev.time_ms = static_cast<std::int64_t>(step) * 500;
  ev.from = std::move(from);
  ev.to = std::move(to);
  ev.type = std::move(type);
  ev.what = what;
  return ev;
}

/// Four kinds of arrows between two roles, and text that needs escaping.
message_trace small_trace() {
  message_trace t;
  auto a = event(1, "driver", "bm:0", "get_block");
  a.fields = {{"block", "a<b>&'c\""}};
  t.add(a);
  t.add(event(2, "bm:0", "bm:0", "tick"));
  t.add(event(3, "bm:0", "driver", "reply", delivery::dropped));
  t.add(event(4, "driver", "bm:0", "later", delivery::held));
  return t;
}

constexpr const char* small_svg
  = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"456\" height=\"218\" "
    "viewBox=\"0 0 456 218\" font-family=\"monospace\" font-size=\"11\">\n"
    "<defs>\n"
    "<marker id=\"arrow\" markerWidth=\"8\" markerHeight=\"8\" refX=\"8\" "
    "refY=\"4\" orient=\"auto\"><path d=\"M0,0 L8,4 L0,8 z\" "
    "fill=\"#333\"/></marker>\n"
    "<marker id=\"open\" markerWidth=\"8\" markerHeight=\"8\" refX=\"8\" "
    "refY=\"4\" orient=\"auto\"><path d=\"M0,0 L8,4 L0,8\" fill=\"none\" "
    "stroke=\"#777\"/></marker>\n"
    "</defs>\n"
    "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
    "<line x1=\"181\" y1=\"46\" x2=\"181\" y2=\"208\" stroke=\"#aaa\" "
    "stroke-dasharray=\"4 3\"/>\n"
    "<rect x=\"116\" y=\"20\" width=\"130\" height=\"26\" rx=\"4\" "
    "fill=\"#eef\" stroke=\"#336\"/>\n"
    "<text x=\"181\" y=\"37\" text-anchor=\"middle\" "
    "font-size=\"12\">driver</text>\n"
    "<line x1=\"351\" y1=\"46\" x2=\"351\" y2=\"208\" stroke=\"#aaa\" "
    "stroke-dasharray=\"4 3\"/>\n"
    "<rect x=\"286\" y=\"20\" width=\"130\" height=\"26\" rx=\"4\" "
    "fill=\"#eef\" stroke=\"#336\"/>\n"
    "<text x=\"351\" y=\"37\" text-anchor=\"middle\" "
    "font-size=\"12\">bm:0</text>\n"
    "<text x=\"6\" y=\"90\" fill=\"#666\">#1 500ms</text>\n"
    "<line x1=\"181\" y1=\"86\" x2=\"351\" y2=\"86\" stroke=\"#333\" "
    "marker-end=\"url(#arrow)\"/>\n"
    "<text x=\"266\" y=\"81\" text-anchor=\"middle\">get_block "
    "block=a&lt;b&gt;&amp;&apos;c&quot;</text>\n"
    "<text x=\"6\" y=\"118\" fill=\"#666\">#2 1000ms</text>\n"
    "<path d=\"M351,108 h30 v12 h-30\" fill=\"none\" stroke=\"#333\" "
    "marker-end=\"url(#arrow)\"/>\n"
    "<text x=\"387\" y=\"118\">tick</text>\n"
    "<text x=\"6\" y=\"146\" fill=\"#666\">#3 1500ms</text>\n"
    "<line x1=\"351\" y1=\"142\" x2=\"181\" y2=\"142\" stroke=\"#c00\"/>\n"
    "<text x=\"266\" y=\"137\" text-anchor=\"middle\">reply "
    "(dropped)</text>\n"
    "<path d=\"M182,137 l10,10 m0,-10 l-10,10\" stroke=\"#c00\" "
    "stroke-width=\"2\"/>\n"
    "<text x=\"6\" y=\"174\" fill=\"#666\">#4 2000ms</text>\n"
    "<line x1=\"181\" y1=\"170\" x2=\"351\" y2=\"170\" stroke=\"#777\" "
    "stroke-dasharray=\"6 4\" marker-end=\"url(#open)\"/>\n"
    "<text x=\"266\" y=\"165\" text-anchor=\"middle\">later (held)</text>\n"
    "</svg>\n";

} // namespace

TEST_CASE("the Mermaid diagram of a one-task job") {
  flow_fixture f{config{}};
  f.submit(value_job(1));
  f.run_until_idle();
  CHECK(render_mermaid(f.trace()) == one_task_mermaid);
}

TEST_CASE("Mermaid arrows show dropped and held messages") {
  auto text = render_mermaid(small_trace());
  CHECK(text.find("    participant bm_0 as bm:0\n") != std::string::npos);
  CHECK(text.find("    bm_0->>bm_0: tick\n") != std::string::npos);
  CHECK(text.find("    bm_0-xdriver: reply (dropped)\n") != std::string::npos);
  CHECK(text.find("    driver--)bm_0: later (held)\n") != std::string::npos);
  render_options opts;
  opts.fields = false;
  CHECK(render_mermaid(small_trace(), opts).find("get_block\n")
        != std::string::npos);
}

TEST_CASE("the SVG of a small trace") {
  CHECK(render_svg(small_trace()) == small_svg);
}

TEST_CASE("the SVG of a real run has a lifeline per role and an arrow per "
          "message") {
  flow_fixture f{config{}, 2};
  f.faults().drop(msg("result_fetched").tid(1));
  f.submit(value_job(2));
  f.run_until_idle();
  auto svg = render_svg(f.trace());
  auto occurrences = [&](const std::string& what) {
    std::size_t n = 0;
    for (auto pos = svg.find(what); pos != std::string::npos;
         pos = svg.find(what, pos + 1))
      ++n;
    return n;
  };
  CHECK(svg.rfind("<svg xmlns=", 0) == 0);
  CHECK(svg.size() > 7);
  CHECK(svg.substr(svg.size() - 7) == "</svg>\n");
  auto roles = f.trace().roles();
  CHECK(occurrences("stroke-dasharray=\"4 3\"") == roles.size());
  CHECK(occurrences("fill=\"#666\">#") == f.trace().size());
  CHECK(occurrences("result_fetched tid=1 size=74 (dropped)") == 1);
  CHECK(svg == render_svg(f.trace()));
}
