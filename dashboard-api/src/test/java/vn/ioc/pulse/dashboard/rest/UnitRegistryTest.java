package vn.ioc.pulse.dashboard.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import vn.ioc.pulse.dashboard.rest.UnitRegistry.Unit;

@DisplayName("The units list: shipped defaults, operator files, and bad files failing with the line")
class UnitRegistryTest {

    @TempDir
    Path dir;

    @Test
    @DisplayName("the defaults hold the province SL, 81 agencies and the 75 communes/wards (67 xã, 8 phường)")
    void defaults() {
        UnitRegistry units = UnitRegistry.defaults();
        assertThat(units.ofType("province")).containsExactly(new Unit("SL", "Tỉnh Sơn La", "province", null));
        assertThat(units.ofType("agency")).hasSize(5 + 1 + 75);
        assertThat(units.ofType("commune")).hasSize(75);
        assertThat(units.ofType("commune")).filteredOn(u -> u.subtype().equals("xa")).hasSize(67);
        assertThat(units.ofType("commune")).filteredOn(u -> u.subtype().equals("phuong")).hasSize(8);
        assertThat(units.all()).hasSize(1 + 81 + 75);
        assertThat(units.get("commune", "03646")).contains(new Unit("03646", "Phường Tô Hiệu", "commune", "phuong"));
        assertThat(units.get("commune", "03688")).contains(new Unit("03688", "Xã Mường Chiên", "commune", "xa"));
        assertThat(units.get("agency", "STP"))
                .contains(new Unit("STP", "Sở Tư pháp tỉnh Sơn La", "agency", "department"));
        assertThat(units.get("agency", "UBND-03646"))
                .contains(new Unit("UBND-03646", "Ủy ban nhân dân phường Tô Hiệu", "agency", "people_committee"));
        assertThat(units.ofType("field")).isEmpty();
    }

    @Test
    @DisplayName("the shipped communes are the shared data file (the 03679 row's quoted field spans two lines)")
    void communesAreTheSharedFile() throws IOException {
        Path shared = Path.of("../../shared/data/sonla-units-2025.csv");
        Path copy = Path.of("src/main/resources/" + UnitRegistry.UNITS_RESOURCE);
        if (Files.exists(shared)) {
            assertThat(Files.readAllBytes(copy)).isEqualTo(Files.readAllBytes(shared));
        }
        assertThat(UnitRegistry.defaults().get("commune", "03679"))
                .contains(new Unit("03679", "Phường Chiềng Sinh", "commune", "phuong"));
    }

    @Test
    @DisplayName("IOC_UNITS_FILE, IOC_AGENCIES_FILE and IOC_PROVINCE_* replace the defaults")
    void operatorFiles() throws IOException {
        Path communes = write("communes.csv", """
                # my province
                code,type,name,extra
                00001,xa,"Xã Một, \"\"A\"\"",x
                00002,phuong,Phường Hai,

                00003,dac_khu,Đặc khu Ba,y
                """);
        Path agencies = write("agencies.csv", "code,name,subtype\r\nS1,Sở Một,department\r\n");
        UnitRegistry units = UnitRegistry.fromEnv(Map.of("IOC_UNITS_FILE", communes.toString(),
                "IOC_AGENCIES_FILE", agencies.toString(), "IOC_PROVINCE_CODE", "XY", "IOC_PROVINCE_NAME", "Tỉnh X"));
        assertThat(units.all()).containsExactly(new Unit("XY", "Tỉnh X", "province", null),
                new Unit("S1", "Sở Một", "agency", "department"),
                new Unit("00001", "Xã Một, \"A\"", "commune", "xa"),
                new Unit("00002", "Phường Hai", "commune", "phuong"),
                new Unit("00003", "Đặc khu Ba", "commune", "dac_khu"));
    }

    @ParameterizedTest(name = "{2}")
    @CsvSource(delimiter = '|', textBlock = """
            code,name,type\\n00001,Xã A,xa\\n00002,Huyện B,huyen                  | line 3 field 'type' | unknown type
            '# c\\ncode,name,type\\n00001,Xã A,xa\\n00001,Xã B,xa'                 | line 4 field 'code' | duplicate code
            code,name\\n00001,Xã A                                             | line 1: the header lacks column 'type' | missing column
            code,name,type\\n00001,Xã A,xa,extra                                | line 2: 4 fields | extra field
            code,name,type\\n00001,,xa                                          | line 2 field 'name' | empty name
            code,name,type\\n00001,"Xã A,xa\\n00002,Xã B,xa                      | line 2: a quoted field (field 2) is never closed | unclosed quote
            code,name,type\\n0000 1,Xã A,xa                                     | line 2 field 'code' | code with a space
            code,name,type\\n03/01,Xã A,xa                                      | line 2 field 'code' | code with a slash
            '# only comments'                                                 | has no header row | empty file
            code,name,type                                                    | has no units | header only
            """)
    @DisplayName("a bad IOC_UNITS_FILE fails naming the file, the line and the field")
    void badUnitsFile(String content, String expected, String what) throws IOException {
        Path file = write("bad.csv", content.replace("\\n", "\n"));
        assertThatThrownBy(() -> UnitRegistry.fromEnv(Map.of("IOC_UNITS_FILE", file.toString())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining(expected);
    }

    @Test
    @DisplayName("a bad IOC_AGENCIES_FILE fails naming the line; a missing file names the variable")
    void badAgenciesFile() throws IOException {
        Path file = write("agencies.csv", "code,name,subtype\nS1,Sở Một,department\nS2,Sở Hai,ministry\n");
        assertThatThrownBy(() -> UnitRegistry.fromEnv(Map.of("IOC_AGENCIES_FILE", file.toString())))
                .hasMessageContaining(file + " line 3 field 'subtype': 'ministry' is not one of");
        assertThatThrownBy(() -> UnitRegistry.fromEnv(Map.of("IOC_UNITS_FILE", dir.resolve("none.csv").toString())))
                .hasMessageContaining("IOC_UNITS_FILE=").hasMessageContaining("cannot read");
    }

    @Test
    @DisplayName("a file that is not UTF-8 is refused")
    void notUtf8() throws IOException {
        Path file = dir.resolve("latin1.csv");
        Files.write(file, "code,name,type\n00001,Xã A,xa\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> UnitRegistry.fromEnv(Map.of("IOC_UNITS_FILE", file.toString())))
                .hasMessageContaining("not valid UTF-8");
    }

    private Path write(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }
}
