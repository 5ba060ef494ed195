#pragma once
// Sequence diagrams of a recorded trace: Mermaid `sequenceDiagram` text
// (paste it into a Markdown code block tagged `mermaid`) and a
// self-contained SVG (one lifeline per role, one arrow per message,
// labelled with its type and key fields; no scripts, fonts or links).
//
// Both are functions of the trace alone, so equal traces give
// byte-identical diagrams. Arrows: delivered messages are solid, held
// (delayed) ones dashed, dropped ones end in a cross.
//
// Plain C++: no CAF.

#include "testing/trace.hpp"

#include <cstddef>
#include <string>

namespace ember::testing {

struct render_options {
  /// Include the key fields in labels (otherwise only the type).
  bool fields = true;
  /// Labels longer than this are cut and end in "...".
  std::size_t max_label = 96;
};

/// Mermaid text, starting with "sequenceDiagram\n".
std::string render_mermaid(const message_trace& t,
                           const render_options& opts = {});

/// A complete SVG document ("<svg ...>...</svg>\n").
std::string render_svg(const message_trace& t,
                       const render_options& opts = {});

/// The label of `ev` as both renderers print it.
std::string diagram_label(const message_event& ev,
                          const render_options& opts = {});

} // namespace ember::testing
