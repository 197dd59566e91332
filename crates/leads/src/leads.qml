<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<!--
  geoscout leads: QGIS 3 style (categorized on "class", labels "class_zh score").
  QGIS loads it by itself for leads.geojson, leads.fgb and leads.gpkg beside it (same base name).
  Those files mix polygons and points, which QGIS opens as one sub-layer per geometry type; both
  sub-layers load this one style. Each category's symbol has the type of its class's geometry
  (fill for piles and dust sources, marker for outlets), and the style deliberately has no
  layerGeometryType element, which would make QGIS refuse it for the other sub-layer.
-->
<qgis version="3.22.16-Białowieża" styleCategories="Symbology|Labeling" labelsEnabled="1">
  <renderer-v2 type="categorizedSymbol" attr="class" symbollevels="0" enableorderby="0" forceraster="0" referencescale="-1">
    <categories>
      <category value="coal_gangue_pile" symbol="0" label="煤矸石堆 coal gangue pile" render="true"/>
      <category value="discharge_outlet" symbol="1" label="入河排污口 discharge outlet" render="true"/>
      <category value="dust_source" symbol="2" label="扬尘源 dust source" render="true"/>
    </categories>
    <symbols>
      <symbol type="fill" name="0" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" enabled="1" locked="0" pass="0">
          <Option type="Map">
            <Option name="color" type="QString" value="45,45,45,220"/>
            <Option name="style" type="QString" value="solid"/>
            <Option name="outline_color" type="QString" value="220,20,20,255"/>
            <Option name="outline_style" type="QString" value="solid"/>
            <Option name="outline_width" type="QString" value="0.6"/>
            <Option name="outline_width_unit" type="QString" value="MM"/>
            <Option name="joinstyle" type="QString" value="bevel"/>
          </Option>
          <prop k="color" v="45,45,45,220"/>
          <prop k="style" v="solid"/>
          <prop k="outline_color" v="220,20,20,255"/>
          <prop k="outline_style" v="solid"/>
          <prop k="outline_width" v="0.6"/>
          <prop k="outline_width_unit" v="MM"/>
          <prop k="joinstyle" v="bevel"/>
        </layer>
      </symbol>
      <symbol type="marker" name="1" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleMarker" enabled="1" locked="0" pass="0">
          <Option type="Map">
            <Option name="name" type="QString" value="circle"/>
            <Option name="color" type="QString" value="30,100,230,255"/>
            <Option name="outline_color" type="QString" value="220,20,20,255"/>
            <Option name="outline_style" type="QString" value="solid"/>
            <Option name="outline_width" type="QString" value="0.6"/>
            <Option name="outline_width_unit" type="QString" value="MM"/>
            <Option name="size" type="QString" value="4"/>
            <Option name="size_unit" type="QString" value="MM"/>
            <Option name="scale_method" type="QString" value="diameter"/>
          </Option>
          <prop k="name" v="circle"/>
          <prop k="color" v="30,100,230,255"/>
          <prop k="outline_color" v="220,20,20,255"/>
          <prop k="outline_style" v="solid"/>
          <prop k="outline_width" v="0.6"/>
          <prop k="outline_width_unit" v="MM"/>
          <prop k="size" v="4"/>
          <prop k="size_unit" v="MM"/>
          <prop k="scale_method" v="diameter"/>
        </layer>
      </symbol>
      <symbol type="fill" name="2" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" enabled="1" locked="0" pass="0">
          <Option type="Map">
            <Option name="color" type="QString" value="255,210,0,90"/>
            <Option name="style" type="QString" value="solid"/>
            <Option name="outline_color" type="QString" value="255,140,0,255"/>
            <Option name="outline_style" type="QString" value="solid"/>
            <Option name="outline_width" type="QString" value="0.5"/>
            <Option name="outline_width_unit" type="QString" value="MM"/>
            <Option name="joinstyle" type="QString" value="bevel"/>
          </Option>
          <prop k="color" v="255,210,0,90"/>
          <prop k="style" v="solid"/>
          <prop k="outline_color" v="255,140,0,255"/>
          <prop k="outline_style" v="solid"/>
          <prop k="outline_width" v="0.5"/>
          <prop k="outline_width_unit" v="MM"/>
          <prop k="joinstyle" v="bevel"/>
        </layer>
        <layer class="LinePatternFill" enabled="1" locked="0" pass="0">
          <Option type="Map">
            <Option name="angle" type="QString" value="45"/>
            <Option name="distance" type="QString" value="1.5"/>
            <Option name="distance_unit" type="QString" value="MM"/>
            <Option name="color" type="QString" value="255,140,0,255"/>
            <Option name="line_width" type="QString" value="0.3"/>
            <Option name="line_width_unit" type="QString" value="MM"/>
          </Option>
          <prop k="angle" v="45"/>
          <prop k="distance" v="1.5"/>
          <prop k="distance_unit" v="MM"/>
          <prop k="color" v="255,140,0,255"/>
          <prop k="line_width" v="0.3"/>
          <prop k="line_width_unit" v="MM"/>
          <symbol type="line" name="@2@1" alpha="1" clip_to_extent="1" force_rhr="0">
            <layer class="SimpleLine" enabled="1" locked="0" pass="0">
              <Option type="Map">
                <Option name="line_color" type="QString" value="255,140,0,255"/>
                <Option name="line_style" type="QString" value="solid"/>
                <Option name="line_width" type="QString" value="0.3"/>
                <Option name="line_width_unit" type="QString" value="MM"/>
              </Option>
              <prop k="line_color" v="255,140,0,255"/>
              <prop k="line_style" v="solid"/>
              <prop k="line_width" v="0.3"/>
              <prop k="line_width_unit" v="MM"/>
            </layer>
          </symbol>
        </layer>
      </symbol>
    </symbols>
    <rotation/>
    <sizescale/>
  </renderer-v2>
  <labeling type="simple">
    <settings calloutType="simple">
      <text-style fieldName="&quot;class_zh&quot; || ' ' || format_number(&quot;score&quot;, 2)" isExpression="1" fontFamily="Sans Serif" fontSize="9" fontSizeUnit="Point" fontWeight="50" textColor="0,0,0,255" textOpacity="1">
        <text-buffer bufferDraw="1" bufferSize="1" bufferSizeUnits="MM" bufferColor="255,255,255,255" bufferOpacity="1" bufferNoFill="1" bufferJoinStyle="128"/>
      </text-style>
      <placement placement="0" dist="1" distUnits="MM" priority="5" centroidInside="1" quadOffset="4" predefinedPositionOrder="TR,TL,BR,BL,R,L,TSR,BSR"/>
      <rendering drawLabels="1" obstacle="1" obstacleFactor="1" scaleVisibility="0" upsidedownLabels="0" labelPerPart="0" displayAll="0"/>
    </settings>
  </labeling>
  <blendMode>0</blendMode>
  <featureBlendMode>0</featureBlendMode>
</qgis>
