package io.quirklab.testing;

import io.quirklab.matrix.ReasonSource;
import io.quirklab.matrix.Reason;
import io.quirklab.matrix.OffloadState;
import io.quirklab.matrix.MatrixDocument;
import io.quirklab.matrix.MatrixDocument.Cell;
import io.quirklab.matrix.Verdict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Hand-built matrix documents for the comparison, heatmap and CLI tests. */
public final class Matrices {
    private Matrices() {
    }

    /** A Debian host with an Intel I211 on igb {@code driverVersion}, rx UDP checksum offload on, four clients. */
    public static MatrixDocument.Environment environment(String driverVersion) {
        Map<String, String> offloads = new LinkedHashMap<>();
        offloads.put("rx_udp4_checksum", "on");
        offloads.put("tx_udp4_checksum", "on");
        Map<String, String> clients = new LinkedHashMap<>();
        clients.put("ipmitool", "1.8.19");
        clients.put("ipmiutil", "3.1.8");
        clients.put("freeipmi", "1.6.10");
        clients.put("java", "0.1.0");
        return new MatrixDocument.Environment(
                new MatrixDocument.Os("linux", "Debian GNU/Linux 12", "12", "6.1.0-26-amd64"), "lab-07", "17.0.15",
                new MatrixDocument.DutInterface("enp3s0", "02:00:00:00:00:07", "Intel I211", "8086:1539", "igb", driverVersion, null, null,
                        "3.25, 0x800005cc", "1000Mb/s", offloads),
                clients);
    }

    /** A virtual-lab run with the df-clear fault model. */
    public static MatrixDocument.Run run(String id) {
        return new MatrixDocument.Run(id, "2026-11-22T10:15:03Z", "2026-11-22T10:16:01Z", "0.1.0",
                new MatrixDocument.Lab("virtual", "scenarios/labs/virtual.yaml", "df-clear"));
    }

    /** A cell of 4 attempts (all delivered when the verdict delivers), with a pcap under cells/. */
    public static Cell cell(String persona, String client, OffloadState offload, Verdict verdict, String reason, Verdict expected) {
        return cell(persona, client, offload, verdict, reason, expected, null);
    }

    public static Cell cell(String persona, String client, OffloadState offload, Verdict verdict, String reason, Verdict expected, String known) {
        String slug = persona + "__" + client + "__" + offload;
        MatrixDocument.CellEvidence evidence = new MatrixDocument.CellEvidence(4, 4, 4, true,
                verdict == Verdict.DROPPED_IN_STACK ? Map.of("Udp.InCsumErrors", 4L) : Map.of(), Map.of(), Map.of(), ReasonSource.SNMP,
                verdict.delivered() ? 0 : 1, verdict.delivered() ? "ok" : "Error: Unable to establish IPMI v1.5 / RMCP session",
                "cells/" + slug + ".pcap", null, null, null);
        return new Cell(persona, client, offload, verdict, Reason.of(reason), expected, 4, verdict.delivered() ? 4 : 0, 1000,
                "the client " + (verdict.delivered() ? "got its replies" : "did not get its replies"), known, evidence);
    }

    /** A document whose axes are the cells' values in order of appearance. */
    public static MatrixDocument document(String runId, MatrixDocument.Environment environment, List<Cell> cells) {
        Set<String> personas = new LinkedHashSet<>();
        Set<String> clients = new LinkedHashSet<>();
        Set<OffloadState> offloads = new LinkedHashSet<>();
        for (Cell c : cells) {
            personas.add(c.persona());
            clients.add(c.client());
            offloads.add(c.offload());
        }
        return document(runId, environment, new MatrixDocument.Axes(List.copyOf(personas), List.copyOf(clients), List.copyOf(offloads)), cells);
    }

    public static MatrixDocument document(String runId, MatrixDocument.Environment environment, MatrixDocument.Axes axes, List<Cell> cells) {
        return new MatrixDocument(MatrixDocument.SCHEMA, run(runId), environment, axes, cells);
    }

    /**
     * A run as the lab produces it: 5 personas x 4 clients x offload on/off, every verdict at least once, known and
     * unknown findings, and one combination missing (ipmitool-lanplus against the IPMI-1.5-only smdc-tyan, offload=on).
     */
    public static MatrixDocument realistic() {
        List<String> personas = List.of("clean", "smdc-tyan", "df-clear", "bad-udp-csum", "duplicate-replies");
        List<String> clients = List.of("java-lan", "ipmitool-lan", "ipmitool-lanplus", "freeipmi-lan");
        List<OffloadState> offloads = List.of(OffloadState.ON, OffloadState.OFF);
        List<Cell> cells = new ArrayList<>();
        for (OffloadState offload : offloads) {
            for (String persona : personas) {
                for (String client : clients) {
                    if (persona.equals("smdc-tyan") && client.equals("ipmitool-lanplus") && offload == OffloadState.ON) {
                        continue;
                    }
                    cells.add(realisticCell(persona, client, offload));
                }
            }
        }
        return document("2026-11-22T10:15:03Z-linux-i211", environment("5.4.0-k"), new MatrixDocument.Axes(personas, clients, offloads), cells);
    }

    private static Cell realisticCell(String persona, String client, OffloadState offload) {
        boolean on = offload == OffloadState.ON;
        return switch (persona) {
            case "smdc-tyan" -> on ? cell(persona, client, offload, Verdict.DROPPED_IN_STACK, "UDP_CSUM", Verdict.DELIVERED,
                    client.equals("java-lan") ? "QL-12: the seed" : null)
                    : client.equals("ipmitool-lanplus") ? cell(persona, client, offload, Verdict.CLIENT_REJECTED, null, Verdict.CLIENT_REJECTED)
                    : cell(persona, client, offload, Verdict.DELIVERED, null, Verdict.DELIVERED);
            case "df-clear" -> on ? cell(persona, client, offload, Verdict.DELIVERED_NIC_FLAGGED, null, Verdict.DELIVERED)
                    : cell(persona, client, offload, Verdict.DELIVERED, null, Verdict.DELIVERED);
            case "bad-udp-csum" -> client.equals("freeipmi-lan") ? cell(persona, client, offload, Verdict.LOST_BEFORE_DUT, null, Verdict.DROPPED_IN_STACK)
                    : cell(persona, client, offload, Verdict.DROPPED_IN_STACK, "UDP_CSUM", Verdict.DROPPED_IN_STACK);
            case "duplicate-replies" -> switch (client) {
                case "ipmitool-lan" -> cell(persona, client, offload, Verdict.CLIENT_REJECTED, null, Verdict.DELIVERED, "ipmitool reads the duplicate");
                case "freeipmi-lan" -> cell(persona, client, offload, on ? Verdict.NO_REQUEST : Verdict.HARNESS_ERROR, null, Verdict.DELIVERED);
                case "ipmitool-lanplus" -> on ? io.quirklab.matrix.RepeatedCell.of(List.of(
                        cell(persona, client, offload, Verdict.DELIVERED, null, Verdict.DELIVERED),
                        cell(persona, client, offload, Verdict.DROPPED_IN_STACK, "UDP_CSUM", Verdict.DELIVERED),
                        cell(persona, client, offload, Verdict.DELIVERED, null, Verdict.DELIVERED)))
                        : cell(persona, client, offload, Verdict.DELIVERED, null, Verdict.DELIVERED);
                default -> cell(persona, client, offload, Verdict.DELIVERED, null, Verdict.DELIVERED);
            };
            default -> cell(persona, client, offload, Verdict.DELIVERED, null, Verdict.DELIVERED);
        };
    }
}
