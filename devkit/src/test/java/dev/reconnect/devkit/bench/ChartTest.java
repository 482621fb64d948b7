package dev.reconnect.devkit.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The recovery chart is well-formed SVG with a panel per client count, a line per policy and the three markers. */
class ChartTest {

    private static Document parse(String svg) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<Element> elements(Element parent, String name) {
        NodeList nodes = parent.getElementsByTagName(name);
        List<Element> found = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            found.add((Element) nodes.item(i));
        }
        return found;
    }

    @Test
    void onePanelPerClientCountWithOneLinePerPolicy() throws Exception {
        Document svg = parse(Chart.svg(Fixtures.twoClientCounts(), "2 cores & a test"));
        assertThat(svg.getDocumentElement().getNamespaceURI()).isEqualTo("http://www.w3.org/2000/svg");
        List<Element> panels = elements(svg.getDocumentElement(), "g");
        assertThat(panels).extracting(p -> p.getAttribute("data-clients")).containsExactly("1", "50");
        for (Element panel : panels) {
            assertThat(elements(panel, "polyline")).extracting(l -> l.getAttribute("data-policy"))
                    .containsExactly("ours", "socketio-backoff", "readiness-poll-1s");
        }
    }

    @Test
    void eachLineHasAPointPerSampleOfItsCurve() throws Exception {
        RecoveryResult ours = Fixtures.twoClientCounts().get(0);
        Document svg = parse(Chart.svg(List.of(ours), "machine"));
        String points = elements(svg.getDocumentElement(), "polyline").get(0).getAttribute("points");
        assertThat(points.split(" ")).hasSize(ours.curve().open().length);
    }

    @Test
    void markersSayKilledPassingInConsulAndAllOpenWherePassingIsKnown() throws Exception {
        Document svg = parse(Chart.svg(Fixtures.twoClientCounts(), "machine"));
        List<Element> panels = elements(svg.getDocumentElement(), "g");
        // Panel 1: all three policies know their passing moment; panel 50: the poll's is unknown.
        assertThat(labels(panels.get(0))).containsOnlyOnce("killed")
                .contains("passing in Consul 5.0 s", "passing in Consul 5.1 s", "passing in Consul 4.9 s",
                        "all open 5.0 s", "all open 6.0 s", "all open 5.4 s");
        assertThat(labels(panels.get(1))).filteredOn(l -> l.startsWith("passing in Consul")).hasSize(2);
        assertThat(labels(panels.get(1))).filteredOn(l -> l.startsWith("all open")).hasSize(3);
        assertThat(elements(panels.get(1), "line")).filteredOn(l -> l.getAttribute("class").equals("marker")).hasSize(1 + 2 + 3);
    }

    @Test
    void textIsEscapedAndAnEmptyRunStillGivesAChart() throws Exception {
        Document svg = parse(Chart.svg(List.of(), "a <b> & \"c\""));
        assertThat(svg.getDocumentElement().getTextContent()).contains("a <b> & \"c\"", "no restart recovery was measured");
    }

    @Test
    void timeTicksAreAtMostTen() {
        assertThat(Chart.tickStep(2_000)).isEqualTo(250);
        assertThat(Chart.tickStep(9_000)).isEqualTo(1_000);
        assertThat(Chart.tickStep(23_000)).isEqualTo(5_000);
        assertThat(Chart.tickStep(10_000_000)).isEqualTo(120_000);
    }

    private static List<String> labels(Element panel) {
        return elements(panel, "text").stream().map(Element::getTextContent).toList();
    }
}
