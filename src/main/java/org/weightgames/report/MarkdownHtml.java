package org.weightgames.report;

import java.util.List;

import org.commonmark.Extension;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.Heading;
import org.commonmark.node.Node;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;

/**
 * Markdown rendered to HTML with commonmark and its GFM tables extension: the definitions, the
 * scheme notes and each game's details in report.html. Raw HTML in the source is escaped (a failed
 * answer's message may hold angle brackets), links are sanitised, and every table is put in a box
 * that scrolls on its own, so a wide table never widens the page.
 */
final class MarkdownHtml {
    private static final List<Extension> EXTENSIONS = List.of(TablesExtension.create());
    private static final Parser PARSER = Parser.builder().extensions(EXTENSIONS).build();
    private static final HtmlRenderer RENDERER = HtmlRenderer.builder().extensions(EXTENSIONS).escapeHtml(true).sanitizeUrls(true).build();

    private MarkdownHtml() {
    }

    /** The Markdown as HTML, its headings shifted down by {@code demote} levels (a definition's # under the report's h2). */
    static String render(String markdown, int demote) {
        Node doc = PARSER.parse(markdown);
        doc.accept(new AbstractVisitor() {
            @Override
            public void visit(Heading heading) {
                heading.setLevel(Math.min(6, heading.getLevel() + demote));
                visitChildren(heading);
            }
        });
        return RENDERER.render(doc).replace("<table>", "<div class=\"scroll\"><table>")
                .replace("</table>", "</table></div>");
    }
}
