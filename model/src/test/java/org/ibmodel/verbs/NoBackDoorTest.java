// The library reaches the kernel only through syscalls and ABI bytes: a scan of its sources,
// and its copies of the ABI numbers checked against the kernel's
package org.ibmodel.verbs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.ibmodel.core.IbEventType;
import org.ibmodel.core.QpAttrMask;
import org.ibmodel.core.QpState;
import org.ibmodel.core.WcStatus;
import org.ibmodel.core.WrOpcode;
import org.ibmodel.uverbs.UverbsApi;
import org.junit.jupiter.api.Test;

class NoBackDoorTest {
    static final Path SOURCES = Path.of("src/main/java/org/ibmodel/verbs");
    /** What the library may name: the process and its files, user memory, errno, ABI layouts. */
    static final List<String> ALLOWED = List.of("org.ibmodel.kernel.Task", "org.ibmodel.kernel.OpenFile",
            "org.ibmodel.kernel.Errno", "org.ibmodel.mm.UserAddressSpace", "org.ibmodel.uverbs.abi.",
            "org.ibmodel.verbs");
    /** abi classes that are not layouts: Commands names uverbs' own command table. */
    static final List<String> FORBIDDEN_ABI = List.of("org.ibmodel.uverbs.abi.Commands");
    static final Pattern REF = Pattern.compile("org\\.ibmodel\\.[A-Za-z0-9_.]+");

    @Test
    void shouldNameNothingOfIbCoreUverbsOrDevicesInItsSources() throws IOException {
        List<String> bad = new ArrayList<>();
        int files = 0;
        try (Stream<Path> s = Files.list(SOURCES)) {
            for (Path p : s.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                files++;
                String text = Files.readString(p);
                Matcher m = REF.matcher(text);
                while (m.find()) {
                    String ref = m.group();
                    boolean ok = ALLOWED.stream().anyMatch(ref::startsWith)
                            && FORBIDDEN_ABI.stream().noneMatch(ref::startsWith);
                    if (!ok) {
                        bad.add(p.getFileName() + ": " + ref);
                    }
                }
                // A wildcard import of a kernel package would hide what is used.
                assertTrue(!text.contains("import org.ibmodel.kernel.*") && !text.contains("import org.ibmodel.mm.*"),
                        p + " has a wildcard import");
            }
        }
        assertTrue(files > 20, "scanned " + files + " files under " + SOURCES.toAbsolutePath());
        assertEquals(List.of(), bad);
    }

    @Test
    void shouldUseTheKernelsCommandNumbers() throws IllegalAccessException {
        int n = 0;
        for (Field f : IbUserVerbsCmd.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == int.class) {
                boolean ex = f.getName().startsWith("EX_");
                int number = f.getInt(null);
                assertEquals((ex ? UverbsApi.entryEx(number) : UverbsApi.entry(number)).name(), f.getName());
                n++;
            }
        }
        assertEquals(31, n);
    }

    @Test
    void shouldUseTheKernelsEnumValues() throws ReflectiveOperationException {
        for (QpAttrMask m : QpAttrMask.values()) {
            if (m != QpAttrMask.RATE_LIMIT) {
                assertEquals(m.bit(), IbvQpAttrMask.class.getField(m.name()).getInt(null), m.name());
            }
        }
        for (WrOpcode o : WrOpcode.values()) {
            if (o.value() <= WrOpcode.SEND_WITH_INV.value()) {
                assertEquals(o.value(), IbvWrOpcode.class.getField(o.name()).getInt(null), o.name());
            }
        }
        for (WcStatus s : WcStatus.values()) {
            assertEquals(s.ordinal(), IbvWcStatus.valueOf(s.name()).ordinal(), s.name());
        }
        for (IbEventType t : IbEventType.values()) {
            assertEquals(t.ordinal(), IbvEventType.valueOf(t.name()).ordinal(), t.name());
        }
        for (QpState s : QpState.values()) {
            assertEquals(s.ordinal(), IbvQpState.valueOf(s.name()).ordinal(), s.name());
        }
    }
}
