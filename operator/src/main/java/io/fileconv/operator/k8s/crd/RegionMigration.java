package io.fileconv.operator.k8s.crd;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** Moves one user's files, rows and objects from one region to another ({@code RegionMigrationReconciler}). */
@Group(FileConversion.GROUP)
@Version(FileConversion.VERSION)
@Singular("regionmigration")
@Plural("regionmigrations")
@ShortNames("rmig")
@AdditionalPrinterColumn(name = "USER", jsonPath = ".spec.userId", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "FROM", jsonPath = ".spec.from", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "TO", jsonPath = ".spec.to", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "PHASE", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "AGE", jsonPath = ".metadata.creationTimestamp",
        type = AdditionalPrinterColumn.Type.DATE)
public class RegionMigration extends CustomResource<RegionMigrationSpec, RegionMigrationStatus> implements Namespaced {
}
