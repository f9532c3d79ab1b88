package io.fileconv.operator.k8s.crd;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Build step after the fabric8 CRD generator, which sorts printer columns by JSON path (so AGE would come first).
 * kubectl prints columns in CRD order, so this puts them back in the order the resource class declares them.
 * Run by the operator's pom in process-classes: {@code PrinterColumnOrder <dir with generated CRDs>}.
 */
public final class PrinterColumnOrder {
    private static final List<Class<? extends CustomResource<?, ?>>> RESOURCES =
            List.of(FileConversion.class, RegionMigration.class);

    private PrinterColumnOrder() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        for (Class<? extends CustomResource<?, ?>> type : RESOURCES) {
            String crdName = CustomResource.getCRDName(type);
            Path file = dir.resolve(crdName + "-v1.yml");
            String original = Files.readString(file, StandardCharsets.UTF_8);
            String header = original.startsWith("#") ? original.substring(0, original.indexOf('\n') + 1) : "";
            CustomResourceDefinition crd = Serialization.unmarshal(original, CustomResourceDefinition.class);
            List<String> declared = Arrays.stream(type.getAnnotationsByType(AdditionalPrinterColumn.class))
                    .map(AdditionalPrinterColumn::name).toList();
            for (CustomResourceDefinitionVersion version : crd.getSpec().getVersions()) {
                version.getAdditionalPrinterColumns().sort(Comparator.comparingInt(
                        (CustomResourceColumnDefinition c) -> declared.indexOf(c.getName())));
            }
            Files.writeString(file, header + Serialization.asYaml(crd), StandardCharsets.UTF_8);
        }
    }
}
