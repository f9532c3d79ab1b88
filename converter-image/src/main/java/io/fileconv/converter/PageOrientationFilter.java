package io.fileconv.converter;

import com.sun.star.beans.XPropertySet;
import com.sun.star.container.XNameAccess;
import com.sun.star.lang.XComponent;
import com.sun.star.lang.XServiceInfo;
import com.sun.star.style.XStyleFamiliesSupplier;
import com.sun.star.uno.UnoRuntime;
import org.jodconverter.core.office.OfficeContext;
import org.jodconverter.local.filter.Filter;
import org.jodconverter.local.filter.FilterChain;

/**
 * Turns every page style of a text document or spreadsheet to landscape (or portrait) before export. The PDF export
 * filter has no orientation setting; LibreOffice's own Format > Page does this: {@code IsLandscape} and width and
 * height swapped, so Writer reflows the text onto the new page and Calc paginates the sheets anew. Presentations and
 * drawings (slides, Visio, images, SVG) keep their page size: their content is placed at fixed positions, and a
 * rotated page would cut it off, so the option does not apply to them ({@link #appliesTo}).
 */
final class PageOrientationFilter implements Filter {
    private static final String PAGE_STYLES = "PageStyles";

    private final boolean landscape;

    PageOrientationFilter(boolean landscape) {
        this.landscape = landscape;
    }

    /** Whether a document of this kind gets its orientation from the option. */
    static boolean appliesTo(XComponent document) {
        XServiceInfo info = UnoRuntime.queryInterface(XServiceInfo.class, document);
        return info != null && (info.supportsService("com.sun.star.text.GenericTextDocument")
                || info.supportsService("com.sun.star.sheet.SpreadsheetDocument"));
    }

    @Override
    public void doFilter(OfficeContext context, XComponent document, FilterChain chain) throws Exception {
        if (appliesTo(document)) {
            XStyleFamiliesSupplier families = UnoRuntime.queryInterface(XStyleFamiliesSupplier.class, document);
            XNameAccess pageStyles = UnoRuntime.queryInterface(XNameAccess.class,
                    families.getStyleFamilies().getByName(PAGE_STYLES));
            for (String name : pageStyles.getElementNames()) {
                orient(UnoRuntime.queryInterface(XPropertySet.class, pageStyles.getByName(name)));
            }
        }
        chain.doFilter(context, document);
    }

    private void orient(XPropertySet style) throws Exception {
        int width = (Integer) style.getPropertyValue("Width");
        int height = (Integer) style.getPropertyValue("Height");
        if ((width > height) != landscape) {
            style.setPropertyValue("Width", height);
            style.setPropertyValue("Height", width);
        }
        style.setPropertyValue("IsLandscape", landscape);
    }
}
