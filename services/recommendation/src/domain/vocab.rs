//! The recommender's vocabulary: topic names and schema names in one
//! spelling, the panel families a schema can be shown in, and the words a
//! recording is described by. Pure functions and fixed tables.
//!
//! Topics: `/Robot1//Camera/image_raw/` and `robot1/camera/image_raw` are
//! one topic; a topic also matches under another namespace by its last two
//! segments and, weakly, by its last segment; an image-transport suffix
//! (`/compressed`, …) matches the raw topic.
//!
//! Schemas: ROS 1 (`sensor_msgs/Image`), ROS 2 (`sensor_msgs/msg/Image`,
//! `sensor_msgs::msg::Image`), protobuf and JSON-schema (`foxglove.RawImage`,
//! `foxglove_msgs/msg/RawImage`) spellings become `package/type`, lower-case.

use std::collections::BTreeSet;

/// A family of panels that display the same kind of data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    Image,
    Scene3d,
    Map,
    Plot,
    State,
    Diagnostics,
    Log,
    Raw,
}

impl Family {
    /// Words a description uses for this kind of data: an extension whose
    /// keywords say "lidar" suits a recording with point clouds.
    pub fn words(self) -> &'static [&'static str] {
        match self {
            Self::Image => &["image", "images", "camera", "cameras", "video", "vision"],
            Self::Scene3d => &[
                "3d",
                "pointcloud",
                "pointcloud2",
                "lidar",
                "laser",
                "scan",
                "marker",
                "markers",
                "tf",
                "transform",
                "transforms",
                "scene",
            ],
            Self::Map => &["map", "maps", "gps", "gnss", "navsat", "location", "geo"],
            Self::Plot => &["plot", "plots", "chart", "graph", "numeric", "timeseries"],
            Self::State => &["state", "states", "transitions", "enum", "status"],
            Self::Diagnostics => &["diagnostic", "diagnostics", "health"],
            Self::Log => &["log", "logs", "rosout", "console"],
            Self::Raw => &[],
        }
    }
}

/// A panel type's family, if it displays recorded data (Tab, Publish,
/// Teleop and the like do not).
pub fn panel_family(panel: &str) -> Option<Family> {
    let panel = panel.to_ascii_lowercase();
    let family = match panel.as_str() {
        "image" | "imageviewpanel" | "imageview" => Family::Image,
        "3d" | "3d panel" | "threedimensionalviz" | "3dpanel" => Family::Scene3d,
        "map" => Family::Map,
        "plot" | "gauge" | "table" => Family::Plot,
        "statetransitions" | "indicator" => Family::State,
        "diagnosticsummary" | "diagnosticstatuspanel" => Family::Diagnostics,
        "rosout" | "log" => Family::Log,
        "rawmessages" => Family::Raw,
        _ => return None,
    };
    Some(family)
}

/// A topic in one spelling: lower-case segments joined by `/`, without
/// empty segments or quoting.
pub fn topic_key(topic: &str) -> String {
    let lower = topic.trim().trim_matches('`').to_lowercase();
    lower
        .split('/')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("/")
}

/// Image-transport suffixes: `/camera/image_raw/compressed` carries the
/// same images as `/camera/image_raw`.
const TRANSPORTS: [&str; 5] = ["compressed", "compresseddepth", "theora", "ffmpeg", "zstd"];

/// The keys a topic is known by, each with how strongly it identifies the
/// topic: the whole name (1), without an image-transport suffix (0.8), its
/// last two segments under another namespace (0.7), its last segment (0.5).
pub fn topic_keys(topic: &str) -> Vec<(String, f32)> {
    let key = topic_key(topic);
    let mut segments: Vec<&str> = key.split('/').filter(|s| !s.is_empty()).collect();
    let mut keys = vec![(key.clone(), 1.0)];
    let mut level = 1.0;
    if segments.len() > 1 && segments.last().is_some_and(|s| TRANSPORTS.contains(s)) {
        segments.pop();
        level = 0.8;
        keys.push((segments.join("/"), level));
    }
    let mut push = |key: String, strength: f32| {
        if !keys.iter().any(|(k, _)| *k == key) {
            keys.push((key, strength));
        }
    };
    if segments.len() > 2 {
        push(segments[segments.len() - 2..].join("/"), 0.7 * level);
    }
    if segments.len() > 1
        && let Some(last) = segments.last()
    {
        push((*last).to_owned(), 0.5 * level);
    }
    keys
}

/// Topics nearly every ROS recording has: they say little about which
/// layout suits it.
pub fn is_ubiquitous(topic_key: &str) -> bool {
    matches!(
        topic_key,
        "tf" | "tf_static"
            | "rosout"
            | "rosout_agg"
            | "parameter_events"
            | "clock"
            | "events/write_split"
            | "robot_description"
    )
}

/// A schema name as `package/type`, lower-case (`sensor_msgs/image`,
/// `foxglove/rawimage`), or just `type` when it has no package.
pub fn schema_key(name: &str) -> String {
    let lower = name
        .trim()
        .to_lowercase()
        .replace("::", "/")
        .replace('.', "/");
    let mut segments: Vec<&str> = lower.split('/').filter(|s| !s.is_empty()).collect();
    if segments.len() > 2 && matches!(segments[1], "msg" | "msgs") {
        segments.remove(1);
    }
    if segments.len() > 2 && segments[0] == "ros" {
        segments.remove(0);
    }
    if let Some(first) = segments.first_mut()
        && *first == "foxglove_msgs"
    {
        *first = "foxglove";
    }
    segments.join("/")
}

/// The type part of a schema key: `sensor_msgs/image` → `image`.
pub fn schema_type(key: &str) -> &str {
    key.rsplit('/').next().unwrap_or(key)
}

/// The panel families that display a schema, from the type part of its key
/// and its package. Unknown types of a custom schema are taken to hold
/// fields worth plotting.
pub fn schema_families(key: &str) -> Vec<Family> {
    use Family::*;
    let package = key.split('/').next().unwrap_or("");
    let families: &[Family] = match schema_type(key) {
        "image" | "compressedimage" | "rawimage" | "compressedvideo" => &[Image],
        "camerainfo" | "cameracalibration" | "imagemarker" | "imageannotations" => {
            &[Image, Scene3d]
        }
        "pointcloud" | "pointcloud2" | "laserscan" | "multiecholaserscan" | "marker"
        | "markerarray" | "tfmessage" | "transformstamped" | "frametransform"
        | "frametransforms" | "sceneupdate" | "sceneentity" | "posesinframe" | "poseinframe"
        | "posearray" | "path" | "occupancygrid" | "gridcells" | "polygonstamped" | "grid"
        | "voxelgrid" | "octomap" | "pointstamped" => &[Scene3d],
        "posestamped"
        | "posewithcovariancestamped"
        | "odometry"
        | "jointstate"
        | "multidofjointstate" => &[Scene3d, Plot],
        "navsatfix" | "locationfix" | "geopoint" | "geopointstamped" | "gpsfix" => &[Map, Plot],
        "diagnosticarray" | "diagnosticstatus" => &[Diagnostics, State],
        "log" if matches!(package, "rcl_interfaces" | "rosgraph_msgs" | "foxglove") => &[Log],
        "imu" | "twist" | "twiststamped" | "accel" | "accelstamped" | "wrench"
        | "wrenchstamped" | "vector3stamped" | "quaternionstamped" | "batterystate"
        | "temperature" | "fluidpressure" | "illuminance" | "relativehumidity" | "range"
        | "magneticfield" | "float32" | "float64" | "int8" | "int16" | "int32" | "int64"
        | "uint8" | "uint16" | "uint32" | "uint64" | "joy" => &[Plot],
        "bool" | "string" => &[State],
        "gearstatus" | "state" | "mode" | "status" => &[State, Plot],
        "parameterevent" | "writesplitevent" => &[],
        _ if matches!(
            package,
            "sensor_msgs" | "std_msgs" | "geometry_msgs" | "nav_msgs" | "foxglove"
        ) =>
        {
            &[]
        }
        _ => &[Plot],
    };
    families.to_vec()
}

/// The panel families a topic name suggests when its schema is unknown.
pub fn name_families(topic_key: &str) -> Vec<Family> {
    use Family::*;
    let has = |words: &[&str]| words.iter().any(|w| topic_key.contains(w));
    let segment = |names: &[&str]| topic_key.split('/').any(|s| names.contains(&s));
    let mut families = Vec::new();
    if has(&["image", "camera", "compressed", "rgb", "depth"]) {
        families.push(Image);
    }
    if has(&[
        "points", "cloud", "scan", "lidar", "velodyne", "ouster", "marker",
    ]) || segment(&["tf", "tf_static", "map", "path", "plan", "costmap"])
    {
        families.push(Scene3d);
    }
    if has(&["gps", "gnss", "navsat", "fix"]) {
        families.push(Map);
    }
    if has(&["rosout", "log"]) {
        families.push(Log);
    }
    if has(&["diagnostic"]) {
        families.push(Diagnostics);
    }
    if has(&[
        "odom",
        "imu",
        "battery",
        "joint_state",
        "velocity",
        "speed",
        "cmd_vel",
    ]) {
        families.push(Plot);
    }
    families
}

/// The words a topic is described by: its segments and their parts, and
/// its schema's package and type and their parts (a recording's words are
/// these for every topic, its profile, and the words of the panel families
/// it fills).
pub fn topic_words(topic_key: &str, schema_key: Option<&str>) -> BTreeSet<String> {
    let mut words = BTreeSet::new();
    for text in topic_key
        .split('/')
        .chain(schema_key.into_iter().flat_map(|s| s.split('/')))
    {
        words.insert(text.to_owned());
        for part in text.split(|c: char| !c.is_alphanumeric()) {
            if part.len() >= 2 {
                words.insert(part.to_owned());
            }
        }
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_are_spelled_one_way_and_known_by_their_ends() {
        assert_eq!(
            topic_key("/Robot1//Camera/image_raw/"),
            "robot1/camera/image_raw"
        );
        assert_eq!(topic_key("`/log`"), "log");
        let keys = topic_keys("/robot1/camera/image_raw/compressed");
        let names: Vec<&str> = keys.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            names,
            [
                "robot1/camera/image_raw/compressed",
                "robot1/camera/image_raw",
                "camera/image_raw",
                "image_raw"
            ]
        );
        assert_eq!(topic_keys("/imu"), [("imu".to_owned(), 1.0)]);
    }

    #[test]
    fn every_schema_spelling_reads_the_same() {
        for name in [
            "sensor_msgs/msg/Image",
            "sensor_msgs/Image",
            "sensor_msgs::msg::Image",
            "ros.sensor_msgs.Image",
        ] {
            assert_eq!(schema_key(name), "sensor_msgs/image", "{name}");
        }
        assert_eq!(schema_key("foxglove.RawImage"), "foxglove/rawimage");
        assert_eq!(
            schema_key("foxglove_msgs/msg/RawImage"),
            "foxglove/rawimage"
        );
        assert_eq!(schema_key("osi3.SensorView"), "osi3/sensorview");
    }

    #[test]
    fn schemas_fill_the_panels_that_show_them() {
        let families = |name: &str| schema_families(&schema_key(name));
        assert_eq!(families("sensor_msgs/msg/CompressedImage"), [Family::Image]);
        assert_eq!(families("foxglove.CompressedImage"), [Family::Image]);
        assert_eq!(families("sensor_msgs/PointCloud2"), [Family::Scene3d]);
        assert_eq!(families("tf2_msgs/msg/TFMessage"), [Family::Scene3d]);
        assert_eq!(families("foxglove.SceneUpdate"), [Family::Scene3d]);
        assert_eq!(
            families("foxglove.LocationFix"),
            [Family::Map, Family::Plot]
        );
        assert_eq!(families("rcl_interfaces/msg/Log"), [Family::Log]);
        assert_eq!(families("foxglove.Log"), [Family::Log]);
        assert_eq!(
            families("diagnostic_msgs/msg/DiagnosticArray"),
            [Family::Diagnostics, Family::State]
        );
        assert_eq!(families("rcl_interfaces/msg/ParameterEvent"), []);
        // A custom JSON schema probably holds numbers.
        assert_eq!(families("Reward"), [Family::Plot]);
        assert_eq!(panel_family("3D Panel"), Some(Family::Scene3d));
        assert_eq!(panel_family("ImageViewPanel"), Some(Family::Image));
        assert_eq!(panel_family("Publish"), None);
    }

    #[test]
    fn names_stand_in_for_missing_schemas() {
        assert_eq!(name_families("camera/image_raw"), [Family::Image]);
        assert_eq!(name_families("velodyne_points"), [Family::Scene3d]);
        assert_eq!(name_families("tf"), [Family::Scene3d]);
        assert_eq!(name_families("gps/fix"), [Family::Map]);
        assert_eq!(name_families("rosout"), [Family::Log]);
    }
}
