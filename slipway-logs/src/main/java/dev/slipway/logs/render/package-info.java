/**
 * Rendering task logs as a terminal with scrollback shows them, for the web UI's log viewer.
 *
 * <p>The public surface: {@link dev.slipway.logs.render.Terminal} (bytes in, numbered lines out,
 * live, with what changed since a version), the values it produces ({@link dev.slipway.logs.render.Line},
 * {@link dev.slipway.logs.render.Run}, {@link dev.slipway.logs.render.Style},
 * {@link dev.slipway.logs.render.Color}, {@link dev.slipway.logs.render.Fold}),
 * {@link dev.slipway.logs.render.LineHtml} (a line as HTML, and the stylesheet) and
 * {@link dev.slipway.logs.render.LogIndex} (pages and search over a stored log of any size).
 * The parser, the screen and the packed cell format are package-private. What is supported and
 * why is in {@code docs/logs.md}.
 */
package dev.slipway.logs.render;
