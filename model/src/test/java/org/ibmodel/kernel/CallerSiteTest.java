package org.ibmodel.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CallerSiteTest {

    @Test
    void shouldNameFirstFrameOutsideKernelPrimitives() {
        String site = new Kernel("h").callIn(ExecContext.SOFTIRQ, CallerSite::find);

        assertTrue(site.startsWith("org.ibmodel.kernel.CallerSiteTest."), site);
        assertTrue(site.contains("(CallerSiteTest.java:"), site);
    }

    @Test
    void shouldNameCallingMethod() {
        String site = CallerSite.find();

        assertTrue(site.startsWith("org.ibmodel.kernel.CallerSiteTest.shouldNameCallingMethod(CallerSiteTest.java:"),
                site);
    }
}
