// docs/HCA.md is the contract: this test parses its tables and holds the device's declarations
// (Layout, Status, Command, ...) and the driver's (org.ibmodel.hca.Hw, CmdStatus, CmdOp, ...) to them
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.ibmodel.hca.CmdOp;
import org.ibmodel.hca.CmdStatus;
import org.ibmodel.hca.EqeType;
import org.ibmodel.hca.Hw;
import org.junit.jupiter.api.Test;

class LayoutTest {

    /** One row of an offset/bits/field table, or of the optpar table (offset 0). */
    record Row(String name, int offset, int hi, int lo) {
    }

    /** One row of a value/name table (§3.2, §3.3, §5.6, §6, §7): the cells after the value. */
    record Entry(int value, String name, String third) {
    }

    private static final Map<String, Map<String, Row>> FIELDS = new LinkedHashMap<>();
    private static final Map<String, List<Entry>> ENTRIES = new LinkedHashMap<>();

    static {
        parse(read());
    }

    static Path doc() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            Path p = d.resolve("docs/HCA.md");
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new IllegalStateException("docs/HCA.md not found above " + dir);
    }

    private static List<String> read() {
        try {
            return Files.readAllLines(doc());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A field's name as the doc writes it, without the explanation after it. */
    static String name(String cell) {
        String s = cell.replace("`", "").trim();
        int cut = s.length();
        for (String stop : new String[] {" — ", " (", ": "}) {
            int i = s.indexOf(stop);
            if (i >= 0 && i < cut) {
                cut = i;
            }
        }
        return s.substring(0, cut).trim();
    }

    private static int hex(String cell) {
        String s = cell.trim().split("[ +]")[0];
        return Integer.parseInt(s.substring(2), 16);
    }

    private static void parse(List<String> lines) {
        String section = null;
        String kind = null;
        for (String line : lines) {
            if (line.startsWith("## ") || line.startsWith("### ")) {
                section = line.replaceFirst("^#+ ", "").split(" ")[0].replaceFirst("\\.$", "");
                kind = null;
                continue;
            }
            if (!line.startsWith("|")) {
                kind = null;
                continue;
            }
            String[] c = line.substring(1).split("\\|");
            for (int i = 0; i < c.length; i++) {
                c[i] = c[i].trim();
            }
            if (c[0].startsWith("---")) {
                continue;
            }
            if (kind == null) {
                kind = c[0].equals("offset") && c[1].equals("bits") ? "fields"
                        : c[0].equals("bit") ? "optpar" : "entries";
                continue;
            }
            switch (kind) {
                case "fields" -> {
                    String[] bits = c[1].split(" ")[0].split(":");
                    int hi = Integer.parseInt(bits[0]);
                    int lo = bits.length > 1 ? Integer.parseInt(bits[1]) : hi;
                    put(section, new Row(name(c[2]), hex(c[0]), hi, lo));
                }
                case "optpar" -> {
                    for (int i = 0; i + 1 < c.length; i += 2) {
                        int bit = Integer.parseInt(c[i]);
                        put(section + " optpar", new Row(name(c[i + 1]), 0, bit, bit));
                    }
                }
                default -> {
                    if (c[0].startsWith("0x")) {
                        ENTRIES.computeIfAbsent(section, k -> new ArrayList<>())
                                .add(new Entry(hex(c[0]), c[1], c.length > 2 ? c[2] : ""));
                    }
                }
            }
        }
    }

    private static void put(String section, Row row) {
        Row old = FIELDS.computeIfAbsent(section, k -> new LinkedHashMap<>()).put(row.name(), row);
        if (old != null) {
            throw new IllegalStateException("§" + section + " names " + row.name() + " twice");
        }
    }

    /** The rows a side declares: every static Field of every nested class with a SECTION. */
    private static Map<String, Map<String, Row>> declared(Class<?> layout, Class<?> fieldType) throws Exception {
        Map<String, Map<String, Row>> out = new LinkedHashMap<>();
        for (Class<?> table : layout.getClasses()) {
            String section = (String) table.getField("SECTION").get(null);
            for (java.lang.reflect.Field f : table.getFields()) {
                if (!Modifier.isStatic(f.getModifiers()) || f.getType() != fieldType) {
                    continue;
                }
                Object v = f.get(null);
                Row r = new Row((String) fieldType.getMethod("name").invoke(v),
                        (int) fieldType.getMethod("offset").invoke(v), (int) fieldType.getMethod("hi").invoke(v),
                        (int) fieldType.getMethod("lo").invoke(v));
                out.computeIfAbsent(section, k -> new LinkedHashMap<>()).put(table.getSimpleName() + "." + f.getName(), r);
            }
        }
        return out;
    }

    private static void assertMatchesDoc(String side, Map<String, Map<String, Row>> decl) {
        List<String> errors = mismatches(side, decl, FIELDS);
        assertTrue(errors.isEmpty(), String.join("\n", errors));
    }

    /** Every way {@code decl} and the document's tables {@code docFields} differ, one line each. */
    static List<String> mismatches(String side, Map<String, Map<String, Row>> decl,
            Map<String, Map<String, Row>> docFields) {
        List<String> errors = new ArrayList<>();
        TreeSet<String> covered = new TreeSet<>();
        for (Map.Entry<String, Map<String, Row>> s : decl.entrySet()) {
            Map<String, Row> doc = docFields.get(s.getKey());
            if (doc == null) {
                errors.add(side + ": no table in docs/HCA.md §" + s.getKey());
                continue;
            }
            for (Map.Entry<String, Row> e : s.getValue().entrySet()) {
                Row mine = e.getValue();
                Row theirs = doc.get(mine.name());
                if (theirs == null) {
                    errors.add(side + " " + e.getKey() + ": §" + s.getKey() + " has no field '" + mine.name() + "'");
                } else if (!theirs.equals(mine)) {
                    errors.add(side + " " + e.getKey() + " = " + mine + " but §" + s.getKey() + " says " + theirs);
                } else {
                    covered.add(s.getKey() + "/" + mine.name());
                }
            }
        }
        for (Map.Entry<String, Map<String, Row>> s : docFields.entrySet()) {
            for (String n : s.getValue().keySet()) {
                if (!covered.contains(s.getKey() + "/" + n)) {
                    errors.add(side + ": §" + s.getKey() + " field '" + n + "' is declared nowhere");
                }
            }
        }
        return errors;
    }

    /** The check itself catches what it exists for: a moved field, a missing one, an extra one. */
    @Test
    void shouldCatchADocumentThatDiffersFromTheDeclarations() throws Exception {
        Map<String, Map<String, Row>> decl = declared(Layout.class, Field.class);
        Map<String, Map<String, Row>> doc = new LinkedHashMap<>();
        FIELDS.forEach((k, v) -> doc.put(k, new LinkedHashMap<>(v)));
        assertEquals(List.of(), mismatches("device", decl, doc));
        doc.get("4.5").put("sq_psn", new Row("sq_psn", 0x5c, 23, 1));
        doc.get("8").remove("EQ arm");
        doc.get("5.1").put("spare", new Row("spare", 0x3c, 7, 0));
        String errors = String.join("\n", mismatches("device", decl, doc));
        for (String expected : List.of("QpCtx.SQ_PSN = Row[name=sq_psn, offset=92, hi=23, lo=0] but §4.5 says",
                "Doorbell.EQ_ARM: §8 has no field 'EQ arm'", "§5.1 field 'spare' is declared nowhere")) {
            assertTrue(errors.contains(expected), "missed: " + expected + " in\n" + errors);
        }
    }

    @Test
    void shouldFindTheTablesOfTheDocument() {
        assertTrue(FIELDS.keySet().containsAll(List.of("3.1", "3.4", "3.5", "3.6", "3.7", "4.1", "4.2", "4.3", "4.4",
                "4.5", "4.5 optpar", "4.6", "5.1", "5.2", "5.3", "5.4", "5.5", "5.7", "5.8", "6", "7", "8")),
                FIELDS.keySet().toString());
        assertEquals(new Row("sq_psn", 0x5c, 23, 0), FIELDS.get("4.5").get("sq_psn"));
        assertEquals(new Row("EQ arm", 0x800, 31, 31), FIELDS.get("8").get("EQ arm"));
    }

    @Test
    void shouldDeclareEveryDeviceFieldAsTheDocumentDoes() throws Exception {
        assertMatchesDoc("device", declared(Layout.class, Field.class));
    }

    @Test
    void shouldDeclareEveryDriverFieldAsTheDocumentDoes() throws Exception {
        assertMatchesDoc("driver", declared(Hw.class, org.ibmodel.hca.Field.class));
    }

    @Test
    void shouldNumberStatusesAndErrnosAsTheDocument() {
        List<Entry> rows = ENTRIES.get("3.2");
        assertEquals(Status.values().length, rows.size());
        for (Entry e : rows) {
            assertEquals(e.value(), Status.valueOf(e.name()).value(), "device " + e.name());
            CmdStatus s = CmdStatus.valueOf(e.name());
            assertEquals(e.value(), s.value(), "driver " + e.name());
            assertEquals(e.third(), s.errno() == null ? "0" : "-" + s.errno().name(), "errno of " + e.name());
        }
    }

    @Test
    void shouldNumberCommandsAsTheDocument() {
        List<Entry> rows = ENTRIES.get("3.3");
        assertEquals(Command.values().length, rows.size());
        assertEquals(CmdOp.values().length, rows.size());
        for (Entry e : rows) {
            Command c = null;
            for (Command x : Command.values()) {
                c = x.docName().equals(e.name()) ? x : c;
            }
            assertNotNull(c, "device command " + e.name());
            assertEquals(e.value(), c.opcode(), e.name());
            CmdOp op = null;
            for (CmdOp x : CmdOp.values()) {
                op = x.docName().equals(e.name()) ? x : op;
            }
            assertNotNull(op, "driver command " + e.name());
            assertEquals(e.value(), op.value(), e.name());
        }
    }

    @Test
    void shouldNumberSendOpcodesSyndromesAndEventsAsTheDocument() {
        // Every value has its row, so a row taken out of the document is noticed too.
        assertEquals(SendOpcode.values().length, ENTRIES.get("5.6").size());
        assertEquals(org.ibmodel.hca.SendOpcode.values().length, ENTRIES.get("5.6").size());
        assertEquals(Syndrome.values().length, ENTRIES.get("6").size());
        assertEquals(org.ibmodel.hca.Syndrome.values().length, ENTRIES.get("6").size());
        for (Entry e : ENTRIES.get("5.6")) {
            assertEquals(e.value(), SendOpcode.valueOf(e.name()).value());
            org.ibmodel.hca.SendOpcode d = org.ibmodel.hca.SendOpcode.valueOf(e.name());
            assertEquals(e.value(), d.value());
            assertEquals(e.third(), d.wr().kernelName());
        }
        for (Entry e : ENTRIES.get("6")) {
            assertEquals(e.value(), Syndrome.valueOf(e.name()).value());
            org.ibmodel.hca.Syndrome d = org.ibmodel.hca.Syndrome.valueOf(e.name());
            assertEquals(e.value(), d.value());
            assertEquals(e.third(), d.status().kernelName());
        }
        assertEquals(EventType.values().length, ENTRIES.get("7").size());
        for (Entry e : ENTRIES.get("7")) {
            assertEquals(e.value(), EventType.valueOf(e.name()).value());
            EqeType d = EqeType.valueOf(e.name());
            assertEquals(e.value(), d.value());
            if (e.third().matches("IB_EVENT_[A-Z_]+")) {
                assertEquals(e.third(), d.event().kernelName(), e.name());
            }
        }
    }
}
