"""Opens leads.geojson, leads.fgb and leads.gpkg in DIR with QGIS the way the QGIS desktop does
(one sub-layer per geometry type, default style loaded from leads.qml beside them), renders each
sub-layer and checks the style's colour at every lead's point and that labels are drawn.

Usage: QT_QPA_PLATFORM=offscreen python3 qgis_style.py DIR   (exit status 1 on any failure)
"""
import os
import sys

from qgis.core import (Qgis, QgsApplication, QgsCoordinateReferenceSystem, QgsCoordinateTransform,
                       QgsMapRendererSequentialJob, QgsMapSettings, QgsPointXY, QgsProject,
                       QgsProviderRegistry, QgsVectorLayer)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor

# What the style paints at a lead's point, by class.
EXPECTED = {
    "coal_gangue_pile": lambda c: max(c) < 90 and max(c) - min(c) < 10,  # dark grey fill
    "dust_source": lambda c: c[0] > 240 and c[2] < 180,  # orange hatch over pale yellow
    "discharge_outlet": lambda c: c == (30, 100, 230),  # blue circle
}


def render(layer, settings):
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    return job.renderedImage()


def check(path):
    failures = []
    sublayers = QgsProviderRegistry.instance().querySublayers(
        path, Qgis.SublayerQueryFlag.ResolveGeometryType)
    features = 0
    for sub in sublayers:
        layer = QgsVectorLayer(sub.uri(), sub.name(), "ogr")
        renderer = layer.renderer().type()
        print(f"{os.path.basename(path)}: {sub.uri().split('|', 1)[-1]}: {layer.featureCount()} "
              f"features, {layer.crs().authid()}, renderer {renderer}, labels {layer.labelsEnabled()}")
        if renderer != "categorizedSymbol" or not layer.labelsEnabled():
            failures.append(f"{sub.uri()}: style not loaded")
            continue
        settings = QgsMapSettings()
        settings.setLayers([layer])
        settings.setDestinationCrs(layer.crs())
        extent = layer.extent()
        extent.grow(0.002 if layer.crs().isGeographic() else 200)
        settings.setExtent(extent)
        settings.setOutputSize(QSize(400, 400))
        settings.setBackgroundColor(QColor(255, 255, 255))
        layer.setLabelsEnabled(False)
        plain = render(layer, settings)
        layer.setLabelsEnabled(True)
        if render(layer, settings) == plain:
            failures.append(f"{sub.uri()}: no labels drawn")
        to_layer = QgsCoordinateTransform(QgsCoordinateReferenceSystem("EPSG:4326"), layer.crs(),
                                          QgsProject.instance())
        for feature in layer.getFeatures():
            features += 1
            point = to_layer.transform(QgsPointXY(feature["lon"], feature["lat"]))
            pixel = settings.mapToPixel().transform(point)
            color = plain.pixelColor(int(pixel.x()), int(pixel.y()))
            rgb = (color.red(), color.green(), color.blue())
            ok = EXPECTED[feature["class"]](rgb)
            print(f"  {feature['id']} {feature['class']}: {rgb} {'ok' if ok else 'WRONG'}")
            if not ok:
                failures.append(f"{sub.uri()}: {feature['id']} drawn as {rgb}")
    return features, failures


def main():
    app = QgsApplication([], False)
    app.setPrefixPath("/usr", True)
    app.initQgis()
    directory = sys.argv[1]
    failures = []
    counts = []
    for name in ["leads.geojson", "leads.fgb", "leads.gpkg"]:
        count, problems = check(os.path.join(directory, name))
        counts.append(count)
        failures += problems
    if len(set(counts)) != 1:
        failures.append(f"feature counts differ between files: {counts}")
    for failure in failures:
        print("FAILED:", failure)
    app.exitQgis()
    sys.exit(1 if failures else 0)


main()
