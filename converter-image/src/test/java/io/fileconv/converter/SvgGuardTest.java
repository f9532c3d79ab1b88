package io.fileconv.converter;

import io.fileconv.core.ConversionFailure;
import io.fileconv.core.FailureClass;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What SvgGuard leaves of an SVG: everything that stays inside it, nothing that points outside. */
class SvgGuardTest {
    @TempDir
    Path dir;

    @Test
    void removesOutsideReferencesAndKeepsInsideOnes() throws Exception {
        Path svg = dir.resolve("a.svg");
        Files.writeString(svg, """
                <?xml version="1.0" encoding="UTF-8"?>
                <?xml-stylesheet href="http://127.0.0.1:9/x.css"?>
                <svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">
                 <style>@import url(file:///etc/x.css); rect { fill: url(#grad); stroke: url('http://h/x'); }</style>
                 <defs><linearGradient id="grad"/></defs>
                 <image xlink:href="file:///etc/secret.png"/>
                 <image href="http://127.0.0.1:9/a.png"/>
                 <image href="data:image/png;base64,iVBORw0KGgo="/>
                 <image href="data:image/svg+xml;base64,PHN2Zz4="/>
                 <use xlink:href="#grad"/>
                 <rect style="fill: url(file:///etc/p.png)" width="1" height="1"/>
                 <text>kept text</text>
                </svg>
                """.strip());
        int removed = SvgGuard.neutralise(svg);
        String out = Files.readString(svg);
        assertThat(out).doesNotContain("file:", "http://127.0.0.1", "http://h/", "@import", "xml-stylesheet",
                "data:image/svg");
        assertThat(out).contains("url(#grad)", "xlink:href=\"#grad\"", "data:image/png;base64", "kept text");
        assertThat(removed).isEqualTo(6);
    }

    @Test
    void refusesADoctypeBecauseEntitiesCanLoadFiles() throws Exception {
        Path svg = dir.resolve("xxe.svg");
        Files.writeString(svg, "<?xml version=\"1.0\"?><!DOCTYPE svg [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<svg xmlns=\"http://www.w3.org/2000/svg\"><text>&x;</text></svg>");
        assertThatThrownBy(() -> SvgGuard.neutralise(svg)).isInstanceOfSatisfying(ConversionFailure.class,
                f -> assertThat(f.failureClass()).isEqualTo(FailureClass.BAD_INPUT));
    }
}
