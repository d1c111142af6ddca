package io.vroute.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class XmlWriterTest {
    @Test
    void textIsEscapedSoAnyTagValueSurvives() {
        String xml = new XmlWriter().element("value", "a&b <c> \"d\" 'e'").toString();

        assertEquals("<value>a&amp;b &lt;c&gt; &quot;d&quot; &apos;e&apos;</value>", xml);
    }

    @Test
    void charactersXmlCannotCarryAreReplacedNotWritten() {
        assertEquals("<v>a\uFFFDb\tc&#13;\n\uD83D\uDE00\uFFFD</v>",
                new XmlWriter().element("v", "a\u0001b\tc\r\n\uD83D\uDE00\uD800").toString());
    }

    @Test
    void absentOptionalValuesWriteNothing() {
        String xml = new XmlWriter()
                .element("snsTopicArn", (String) null)
                .element("persistRoutesDuration", (Long) null)
                .element("snsNotificationsEnabled", (Boolean) null)
                .element("amazonSideAsn", 4_294_967_295L)
                .element("isDefault", false)
                .toString();

        assertEquals("<amazonSideAsn>4294967295</amazonSideAsn><isDefault>false</isDefault>", xml);
    }

    @Test
    void listsAreItemsInsideTheirSet() {
        XmlWriter w = new XmlWriter();
        w.start("routeServerPeer")
                .list("asPathSet", List.of(65001L, 65002L), (x, asn) -> x.text(Long.toString(asn)))
                .list("routeSet", List.of(), (x, none) -> x.text("never"))
                .end();

        assertEquals("<routeServerPeer><asPathSet><item>65001</item><item>65002</item></asPathSet>"
                + "<routeSet></routeSet></routeServerPeer>", w.toString());
    }

    @Test
    void tagsAreWrittenAsKeyValueItemsInOrder() {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("Name", "edge");
        tags.put("env", "");

        assertEquals("<tagSet><item><key>Name</key><value>edge</value></item><item><key>env</key><value></value>"
                + "</item></tagSet>", new XmlWriter().tags("tagSet", tags).toString());
    }

    @Test
    void unbalancedEndIsAProgrammingError() {
        XmlWriter w = new XmlWriter().start("a");

        w.end();
        assertThrows(IllegalStateException.class, w::end);
    }
}
