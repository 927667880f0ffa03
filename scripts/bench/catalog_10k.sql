-- make bench: a generated catalog of 10,000 items in recommendation's index
-- (8,000 layouts, 2,000 extensions), written straight into its schema.
-- Layouts name 3 to 12 topics under 60 namespaces of 40 sensor topics
-- (2,400 distinct topics, as many robots' recordings have), the ubiquitous
-- /tf, /clicked_point and /initialpose, and 2 to 5 panels; extensions carry
-- 2 to 4 keywords and a few description terms. Deterministic (setseed).
SET search_path = recommendation;
SELECT setseed(0.42);

INSERT INTO items (kind, item_id, version, name, panels, topics, keywords, terms, updated_at)
SELECT 'layout', 'bench-layout-' || n, NULL, 'Bench layout ' || n,
       ARRAY(SELECT DISTINCT (ARRAY['3D', 'Image', 'Plot', 'map', 'RawMessages', 'DiagnosticSummary',
                                    'RosOut', 'StateTransitions', 'Gauge', 'Indicator', 'Tab', 'Publish'])
                             [1 + floor(random() * 12)::int]
             FROM generate_series(1, 2 + n % 4) AS p WHERE n > 0),
       ARRAY(SELECT DISTINCT '/' || (ARRAY['robot', 'husky', 'spot', 'ego', 'drone', 'zed', 'rover', 'arm',
                                          'truck', 'cart', 'agv', 'boat'])[1 + floor(random() * 12)::int]
                    || (floor(random() * 5)::int)::text || '/'
                    || (ARRAY['camera/image_raw', 'camera/image_raw/compressed', 'camera/camera_info',
                              'lidar/points', 'velodyne_points', 'scan', 'odom', 'imu/data', 'gps/fix',
                              'battery_state', 'joint_states', 'cmd_vel', 'map', 'plan', 'goal_pose',
                              'diagnostics', 'markers', 'depth/image_rect', 'left/image_rect_color',
                              'right/image_rect_color', 'pose', 'path', 'costmap', 'radar/tracks',
                              'detections', 'wheel_odom', 'temperature', 'pressure', 'magnetometer',
                              'range', 'ultrasonic', 'thermal/image', 'events', 'state', 'mode',
                              'status', 'tf_tree', 'occupancy', 'point_cloud', 'objects'])
                       [1 + floor(random() * 40)::int]
             FROM generate_series(1, 3 + n % 10) AS t WHERE n > 0)
         || ARRAY['/tf', '/clicked_point', '/initialpose'],
       '{}', '{}', now()
FROM generate_series(1, 8000) AS n;

INSERT INTO items (kind, item_id, version, name, panels, topics, keywords, terms, updated_at)
SELECT 'extension', 'bench.extension-' || n, '1.0.' || (n % 7), 'Bench extension ' || n, '{}', '{}',
       ARRAY(SELECT DISTINCT (ARRAY['lidar', 'camera', 'pointcloud', 'map', 'gps', 'plot', 'battery',
                                    'imu', 'diagnostics', 'ros2', 'ros1', 'protobuf', 'radar', 'teleop',
                                    'image', 'marker', 'joint', 'odometry', 'can', 'thermal'])
                             [1 + floor(random() * 20)::int]
             FROM generate_series(1, 2 + n % 3) AS k WHERE n > 0),
       ARRAY(SELECT DISTINCT (ARRAY['shows', 'colours', 'points', 'height', 'images', 'overlay',
                                    'gauge', 'levels', 'tracks', 'objects', 'converter', 'messages',
                                    'panel', 'robots', 'fleet', 'health', 'sensor', 'fusion'])
                             [1 + floor(random() * 18)::int]
             FROM generate_series(1, 3 + n % 5) AS w WHERE n > 0),
       now()
FROM generate_series(1, 2000) AS n;
