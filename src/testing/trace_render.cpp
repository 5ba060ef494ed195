#include "testing/trace_render.hpp"

#include <algorithm>
#include <map>

namespace ember::testing {

namespace {

/// A Mermaid participant id: the role with every character outside
/// [A-Za-z0-9_] replaced by '_'.
std::string mermaid_id(const std::string& role) {
  std::string out = role;
  for (auto& c : out) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9') || c == '_';
    if (!ok)
      c = '_';
  }
  return out;
}

/// Mermaid ends statements at ';' and reads '#' as an entity.
std::string mermaid_text(std::string s) {
  for (auto& c : s)
    if (c == ';' || c == '#' || c == '\n' || c == '\r')
      c = c == '#' ? '*' : ' ';
  return s;
}

std::string xml_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += static_cast<unsigned char>(c) < 0x20 ? ' ' : c;
    }
  }
  return out;
}

// SVG geometry, in pixels (integers only, so output never depends on
// floating-point formatting).
constexpr int gutter = 96;    // step and time on the left
constexpr int col_w = 170;    // distance between lifelines
constexpr int box_w = 130;    // participant boxes
constexpr int box_h = 26;
constexpr int top = 20;       // above the participant boxes
constexpr int first_row = 86; // y of the first arrow
constexpr int row_h = 28;

} // namespace

std::string diagram_label(const message_event& ev,
                          const render_options& opts) {
  auto label = opts.fields ? ev.label() : ev.type;
  if (ev.what != delivery::delivered)
    label += " (" + std::string{to_string(ev.what)} + ")";
  if (opts.max_label >= 3 && label.size() > opts.max_label)
    label = label.substr(0, opts.max_label - 3) + "...";
  return label;
}

std::string render_mermaid(const message_trace& t,
                           const render_options& opts) {
  std::string out = "sequenceDiagram\n";
  for (auto& role : t.roles()) {
    auto id = mermaid_id(role);
    out += "    participant " + id;
    if (id != role)
      out += " as " + mermaid_text(role);
    out += '\n';
  }
  for (auto& ev : t.events()) {
    std::string arrow;
    switch (ev.what) {
      case delivery::delivered:
        arrow = "->>";
        break;
      case delivery::dropped:
        arrow = "-x";
        break;
      case delivery::held:
        arrow = "--)";
        break;
    }
    out += "    " + mermaid_id(ev.from) + arrow + mermaid_id(ev.to) + ": "
           + mermaid_text(diagram_label(ev, opts)) + '\n';
  }
  return out;
}

std::string render_svg(const message_trace& t, const render_options& opts) {
  auto roles = t.roles();
  std::map<std::string, int> x_of;
  for (std::size_t i = 0; i < roles.size(); ++i)
    x_of[roles[i]] = gutter + col_w / 2 + static_cast<int>(i) * col_w;
  int width = gutter + static_cast<int>(roles.size()) * col_w + 20;
  int rows = static_cast<int>(t.size());
  int height = first_row + rows * row_h + 20;
  auto num = [](int v) { return std::to_string(v); };
  std::string out;
  out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + num(width)
         + "\" height=\"" + num(height) + "\" viewBox=\"0 0 " + num(width)
         + " " + num(height) + "\" font-family=\"monospace\" "
         + "font-size=\"11\">\n";
  out += "<defs>\n"
         "<marker id=\"arrow\" markerWidth=\"8\" markerHeight=\"8\" "
         "refX=\"8\" refY=\"4\" orient=\"auto\">"
         "<path d=\"M0,0 L8,4 L0,8 z\" fill=\"#333\"/></marker>\n"
         "<marker id=\"open\" markerWidth=\"8\" markerHeight=\"8\" "
         "refX=\"8\" refY=\"4\" orient=\"auto\">"
         "<path d=\"M0,0 L8,4 L0,8\" fill=\"none\" stroke=\"#777\"/>"
         "</marker>\n"
         "</defs>\n";
  out += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  // Participants and lifelines.
  for (auto& role : roles) {
    int x = x_of[role];
    out += "<line x1=\"" + num(x) + "\" y1=\"" + num(top + box_h)
           + "\" x2=\"" + num(x) + "\" y2=\"" + num(height - 10)
           + "\" stroke=\"#aaa\" stroke-dasharray=\"4 3\"/>\n";
    out += "<rect x=\"" + num(x - box_w / 2) + "\" y=\"" + num(top)
           + "\" width=\"" + num(box_w) + "\" height=\"" + num(box_h)
           + "\" rx=\"4\" fill=\"#eef\" stroke=\"#336\"/>\n";
    out += "<text x=\"" + num(x) + "\" y=\"" + num(top + 17)
           + "\" text-anchor=\"middle\" font-size=\"12\">"
           + xml_escape(role) + "</text>\n";
  }
  // One row per message.
  int y = first_row;
  for (auto& ev : t.events()) {
    out += "<text x=\"6\" y=\"" + num(y + 4) + "\" fill=\"#666\">#"
           + num(static_cast<int>(ev.step)) + " "
           + num(static_cast<int>(ev.time_ms)) + "ms</text>\n";
    int x1 = x_of[ev.from];
    int x2 = x_of[ev.to];
    std::string stroke = "#333";
    std::string extra = " marker-end=\"url(#arrow)\"";
    if (ev.what == delivery::held) {
      stroke = "#777";
      extra = " stroke-dasharray=\"6 4\" marker-end=\"url(#open)\"";
    } else if (ev.what == delivery::dropped) {
      stroke = "#c00";
      extra.clear();
    }
    auto label = xml_escape(diagram_label(ev, opts));
    if (x1 == x2) {
      out += "<path d=\"M" + num(x1) + "," + num(y - 6) + " h30 v12 h-30\""
             + " fill=\"none\" stroke=\"" + stroke + "\"" + extra + "/>\n";
      out += "<text x=\"" + num(x1 + 36) + "\" y=\"" + num(y + 4) + "\">"
             + label + "</text>\n";
    } else {
      out += "<line x1=\"" + num(x1) + "\" y1=\"" + num(y) + "\" x2=\""
             + num(x2) + "\" y2=\"" + num(y) + "\" stroke=\"" + stroke
             + "\"" + extra + "/>\n";
      out += "<text x=\"" + num((x1 + x2) / 2) + "\" y=\"" + num(y - 5)
             + "\" text-anchor=\"middle\">" + label + "</text>\n";
    }
    if (ev.what == delivery::dropped) {
      int cx = x1 == x2 ? x1 + 30 : x2 + (x1 < x2 ? -6 : 6);
      int cy = x1 == x2 ? y + 6 : y;
      out += "<path d=\"M" + num(cx - 5) + "," + num(cy - 5) + " l10,10 m0,-10"
             + " l-10,10\" stroke=\"#c00\" stroke-width=\"2\"/>\n";
    }
    y += row_h;
  }
  out += "</svg>\n";
  return out;
}

} // namespace ember::testing
