package io.fileconv.converter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the LibreOffice user profile every office process starts from (JODConverter's template profile).
 * Its settings are the first line of defence that keeps a document from reaching anything outside itself:
 * macros are disabled outright, links from untrusted documents (all of ours) are blocked, and all HTTP/HTTPS/FTP
 * traffic goes to a proxy on a closed loopback port, so an external image cannot be fetched even where a filter
 * ignores the referer check. In Kubernetes a NetworkPolicy is the second line.
 */
final class HardenedProfile {
    private HardenedProfile() {
    }

    static Path write(Path dir) throws IOException {
        Path user = dir.resolve("user");
        Files.createDirectories(user);
        String xcu = """
                <?xml version="1.0" encoding="UTF-8"?>
                <oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
                %s
                </oor:items>
                """.formatted(String.join("\n",
                item("/org.openoffice.Office.Common/Security/Scripting", "MacroSecurityLevel", "int", "3"),
                item("/org.openoffice.Office.Common/Security/Scripting", "DisableMacrosExecution", "boolean", "true"),
                item("/org.openoffice.Office.Common/Security/Scripting", "BlockUntrustedRefererLinks", "boolean", "true"),
                item("/org.openoffice.Office.Common/Misc", "UseLocking", "boolean", "false"),
                item("/org.openoffice.Office.Common/Misc", "FirstRun", "boolean", "false"),
                item("/org.openoffice.Office.Common/Misc", "ShowTipOfTheDay", "boolean", "false"),
                item("/org.openoffice.Office.Common/Save/Document", "AutoSave", "boolean", "false"),
                item("/org.openoffice.Office.Recovery/AutoSave", "Enabled", "boolean", "false"),
                item("/org.openoffice.Office.Recovery/RecoveryInfo", "Enabled", "boolean", "false"),
                item("/org.openoffice.Office.Update/Check", "Enabled", "boolean", "false"),
                item("/org.openoffice.Inet/Settings", "ooInetProxyType", "int", "2"),
                item("/org.openoffice.Inet/Settings", "ooInetHTTPProxyName", "string", "127.0.0.1"),
                item("/org.openoffice.Inet/Settings", "ooInetHTTPProxyPort", "int", "9"),
                item("/org.openoffice.Inet/Settings", "ooInetHTTPSProxyName", "string", "127.0.0.1"),
                item("/org.openoffice.Inet/Settings", "ooInetHTTPSProxyPort", "int", "9"),
                item("/org.openoffice.Inet/Settings", "ooInetFTPProxyName", "string", "127.0.0.1"),
                item("/org.openoffice.Inet/Settings", "ooInetFTPProxyPort", "int", "9"),
                item("/org.openoffice.Inet/Settings", "ooInetNoProxy", "string", "")));
        Files.writeString(user.resolve("registrymodifications.xcu"), xcu);
        return dir;
    }

    private static String item(String path, String prop, String type, String value) {
        return "<item oor:path=\"" + path + "\"><prop oor:name=\"" + prop + "\" oor:op=\"fuse\" oor:type=\"xs:"
                + (type.equals("string-list") ? "string" : type) + "\"><value>" + value + "</value></prop></item>";
    }
}
